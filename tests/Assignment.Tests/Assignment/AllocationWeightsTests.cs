using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Assignment.Tests;

public sealed class AllocationWeightsTests
{
    public static TheoryData<double[], double, double[]> RangeCases => new()
    {
        // weights, coverage, expected flattened [start0, end0, start1, end1, ...]
        { [0.5, 0.5], 1, [0, 0.5, 0.5, 1] },
        { [0.5, 0.5], 0.5, [0, 0.25, 0.5, 0.75] },
        { [0.5, 0.5], 0, [0, 0, 0.5, 0.5] },
        { [0.25, 0.25, 0.25, 0.25], 1, [0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1] },
        { [0.4, 0.6], 1, [0, 0.4, 0.4, 1] },
        { [0.2, 0.3, 0.5], 1, [0, 0.2, 0.2, 0.5, 0.5, 1] },
        { [0.2, 0.3, 0.5], 0.2, [0, 0.04, 0.2, 0.26, 0.5, 0.6] },
        { [0.5, 0.5], -0.2, [0, 0, 0.5, 0.5] },
        { [0.5, 0.5], 1.5, [0, 0.5, 0.5, 1] },
        // Weights that need normalizing (the catalog stores normalized weights; GrowthBook would fall back to equal).
        { [0.4, 0.1], 1, [0, 0.8, 0.8, 1] },
        { [7, 3], 1, [0, 0.7, 0.7, 1] },
        { [2, 2, 4], 0.5, [0, 0.125, 0.25, 0.375, 0.5, 0.75] },
        { [0, 0], 1, [0, 0.5, 0.5, 1] },
        { [-1, 1], 1, [0, 0, 0, 1] },
    };

    [Theory]
    [MemberData(nameof(RangeCases))]
    public void Ranges_follow_getBucketRanges_with_clamped_coverage_and_normalized_weights(double[] weights, double coverage, double[] expected)
    {
        var allocation = new AllocationWeights(weights);
        (double Start, double End)[] ranges = allocation.GetRanges(coverage);
        Assert.Equal(expected.Length / 2, ranges.Length);
        for (int i = 0; i < ranges.Length; i++)
        {
            Assert.Equal(expected[2 * i], ranges[i].Start, 12);
            Assert.Equal(expected[(2 * i) + 1], ranges[i].End, 12);
        }
    }

    [Theory]
    [MemberData(nameof(RangeCases))]
    public void ChooseVariant_agrees_with_the_ranges_on_a_grid_of_buckets(double[] weights, double coverage, double[] expected)
    {
        _ = expected;
        var allocation = new AllocationWeights(weights);
        (double Start, double End)[] ranges = allocation.GetRanges(coverage);
        for (int b = 0; b < 10000; b++)
        {
            double bucket = b / 10000.0;
            int want = -1;
            for (int i = 0; i < ranges.Length; i++)
            {
                if (bucket >= ranges[i].Start && bucket < ranges[i].End)
                {
                    want = i;
                    break;
                }
            }
            Assert.Equal(want, allocation.ChooseVariant(bucket, coverage));
        }
    }

    [Fact]
    public void Range_ends_are_exclusive_and_starts_inclusive()
    {
        var allocation = new AllocationWeights([0.5, 0.5]);
        Assert.Equal(0, allocation.ChooseVariant(0, 1));
        Assert.Equal(1, allocation.ChooseVariant(0.5, 1));
        Assert.Equal(-1, allocation.ChooseVariant(0.25, 0.5));
        Assert.Equal(1, allocation.ChooseVariant(0.5, 0.5));
        Assert.Equal(-1, allocation.ChooseVariant(0.75, 0.5));
    }

    [Fact]
    public void SetCurrent_normalizes_and_replaces_the_split()
    {
        var allocation = new AllocationWeights([1, 1]);
        allocation.SetCurrent([3, 1]);
        Assert.Equal([0.75, 0.25], allocation.Current.ToArray());
        Assert.Equal(0, allocation.ChooseVariant(0.7, 1));
        Assert.Equal(1, allocation.ChooseVariant(0.8, 1));
    }

    [Fact]
    public void SetCurrent_rejects_a_different_variant_count()
    {
        var allocation = new AllocationWeights([1, 1]);
        Assert.Throws<ArgumentException>(() => allocation.SetCurrent([1, 1, 1]));
    }

    private static double Sum(AllocationWeights allocation)
    {
        ReadOnlySpan<double> current = allocation.Current;
        return current[0] + current[1];
    }

    [Fact]
    public async Task Concurrent_readers_always_see_a_whole_split()
    {
        var allocation = new AllocationWeights([0.5, 0.5]);
        using var stop = new CancellationTokenSource();
        Task writer = Task.Run(() =>
        {
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                allocation.SetCurrent([random.NextDouble() + 0.01, random.NextDouble() + 0.01]);
            }
        });
        for (int i = 0; i < 200_000; i++)
        {
            double sum = Sum(allocation);
            Assert.Equal(1.0, sum, 9);
        }
        await stop.CancelAsync();
        await writer;
    }
}
