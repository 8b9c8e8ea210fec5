using Expothesis.Fast.Load.Histogram;
using Xunit.Abstractions;

namespace Expothesis.Fast.Load.Tests;

public sealed class LatencyHistogramTests(ITestOutputHelper output)
{
    private static readonly double[] s_percentiles = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

    [Theory]
    [InlineData(12345)]
    [InlineData(777)]
    [InlineData(2026)]
    public void Percentiles_match_a_sorted_array_within_one_percent_on_random_latencies(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var values = new long[200_000];
        var histogram = new LatencyHistogram();
        for (var i = 0; i < values.Length; i++)
        {
            // log-normal latencies from about 1 µs to 10 s, in nanoseconds
            var v = (long)Math.Exp(random.NextDouble() * 16 + 7 + (random.NextDouble() - 0.5));
            values[i] = v;
            histogram.Record(v);
        }

        Array.Sort(values);
        foreach (var p in s_percentiles)
        {
            var rank = Math.Clamp((long)Math.Ceiling(p / 100 * values.Length), 1, values.Length);
            var exact = values[rank - 1];
            var estimate = histogram.ValueAtPercentile(p);
            Assert.True(Math.Abs(estimate - exact) <= exact * 0.01,
                $"p{p}: estimate {estimate} vs exact {exact} (seed {seed})");
        }
    }

    [Fact]
    public void Small_values_are_counted_exactly()
    {
        var histogram = new LatencyHistogram();
        for (var v = 0; v < 256; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(127, histogram.ValueAtPercentile(50));
        Assert.Equal(255, histogram.ValueAtPercentile(100));
        Assert.Equal(0, histogram.ValueAtPercentile(0));
    }

    [Fact]
    public void Count_sum_mean_min_and_max_are_exact()
    {
        var histogram = new LatencyHistogram();
        long[] values = [5, 1_000, 123_456_789, 42, 9_999_999_999];
        foreach (var v in values)
        {
            histogram.Record(v);
        }

        Assert.Equal(values.Length, histogram.Count);
        Assert.Equal(values.Sum(), histogram.Sum);
        Assert.Equal(values.Average(), histogram.Mean, 6);
        Assert.Equal(5, histogram.Min);
        Assert.Equal(9_999_999_999, histogram.Max);
        Assert.Equal(9_999_999_999, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Every_bucket_is_narrower_than_one_percent_of_its_values()
    {
        var random = new Random(99);
        for (var i = 0; i < 100_000; i++)
        {
            var v = (long)(random.NextDouble() * Math.Pow(2, random.Next(1, 62)));
            var index = LatencyHistogram.IndexOf(v);
            var low = LatencyHistogram.LowestOf(index);
            var width = LatencyHistogram.WidthOf(index);
            Assert.InRange(v, low, low + width - 1);
            Assert.True(width == 1 || width <= low / 100.0, $"bucket of {v}: [{low}, {low + width}) is too wide");
        }

        Assert.InRange(LatencyHistogram.IndexOf(long.MaxValue), 0, int.MaxValue);
    }

    [Fact]
    public void Merging_two_histograms_equals_recording_everything_in_one()
    {
        var random = new Random(5);
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        for (var i = 0; i < 50_000; i++)
        {
            var v = random.NextInt64(1, 50_000_000);
            (i % 3 == 0 ? a : b).Record(v);
            all.Record(v);
        }

        var merged = a.Copy();
        merged.Add(b);
        Assert.Equal(all.Count, merged.Count);
        Assert.Equal(all.Sum, merged.Sum);
        Assert.Equal(all.Max, merged.Max);
        Assert.Equal(all.Min, merged.Min);
        foreach (var p in s_percentiles)
        {
            Assert.Equal(all.ValueAtPercentile(p), merged.ValueAtPercentile(p));
        }
    }

    [Fact]
    public void Concurrent_recording_from_many_threads_loses_nothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                histogram.Record(1000 + i);
            }
        });

        Assert.Equal(160_000, histogram.Count);
        Assert.Equal(20_999, histogram.Max);
    }

    [Fact]
    public void An_empty_histogram_reports_zeros_and_reset_empties_it()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.Mean);
        Assert.Equal(0, histogram.Min);

        histogram.Record(12345);
        histogram.Reset();
        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.Max);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
    }

    [Fact]
    public void Negative_values_count_as_zero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);
        Assert.Equal(1, histogram.Count);
        Assert.Equal(0, histogram.Max);
    }
}
