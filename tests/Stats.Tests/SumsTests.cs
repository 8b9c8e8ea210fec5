using Xunit.Abstractions;

namespace Expothesis.Fast.Stats.Tests;

public sealed class SumsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(20261201)]
    [InlineData(7)]
    public void Moments_built_from_incremental_deltas_give_the_same_tests_as_two_pass_over_final_values(int seed)
    {
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        const int units = 4000;
        var finals = new double[2][];
        var acc = new MomentAccumulator[2];
        var binaryAcc = new MomentAccumulator[2];
        for (int arm = 0; arm < 2; arm++)
        {
            finals[arm] = new double[units];
            var y = finals[arm];
            for (int u = 0; u < units; u++)
            {
                acc[arm].AddUnit();
                binaryAcc[arm].AddUnit();
            }

            // Interleaved events over time: each changes one unit's value y -> y' (a purchase of 1e3 + noise).
            for (int e = 0; e < units * 8; e++)
            {
                int u = rng.Next(units);
                double old = y[u];
                double next = old + 1000 + Math.Round(rng.NextDouble() * (arm == 0 ? 50 : 55), 2);
                acc[arm].Update(old, next);
                if (old == 0)
                {
                    binaryAcc[arm].Update(0, 1);
                }

                y[u] = next;
            }
        }

        var a = acc[0].ToMoments();
        var b = acc[1].ToMoments();
        var (meanA, varA) = TwoPass(finals[0]);
        var (meanB, varB) = TwoPass(finals[1]);
        Approx.Equal(meanA, a.Mean, 1e-12);
        Approx.Equal(varA, a.Variance, 1e-9);
        Approx.Equal(varB, b.Variance, 1e-9);

        var t = HypothesisTests.WelchT(a, b, 0.05);
        double se = Math.Sqrt((varA / units) + (varB / units));
        Approx.Equal((meanB - meanA) / se, t.Statistic, 1e-9);
        double df = Math.Pow((varA / units) + (varB / units), 2) / ((Math.Pow(varA / units, 2) / (units - 1)) + (Math.Pow(varB / units, 2) / (units - 1)));
        Approx.Equal(df, t.Df, 1e-9);
        var twoPassMoments = (new VariantMoments(units, meanA * units, (varA * (units - 1)) + (meanA * meanA * units)), new VariantMoments(units, meanB * units, (varB * (units - 1)) + (meanB * meanB * units)));
        Approx.Equal(HypothesisTests.WelchT(twoPassMoments.Item1, twoPassMoments.Item2, 0.05).PValue!.Value, t.PValue, 1e-9);

        int convertedA = finals[0].Count(v => v > 0), convertedB = finals[1].Count(v => v > 0);
        Assert.Equal(convertedA, binaryAcc[0].ToMoments().S1);
        Assert.Equal(convertedB, binaryAcc[1].ToMoments().S1);
    }

    [Fact]
    public void Compensated_sum_keeps_small_terms_next_to_a_large_one()
    {
        var s = default(CompensatedSum);
        s.Add(1e16);
        for (int i = 0; i < 1000; i++)
        {
            s.Add(1);
        }

        s.Add(-1e16);
        Assert.Equal(1000, s.Value);
    }

    private static (double Mean, double Variance) TwoPass(double[] y)
    {
        double mean = y.Sum() / y.Length;
        double ss = 0;
        foreach (double v in y)
        {
            ss += (v - mean) * (v - mean);
        }

        return (mean, ss / (y.Length - 1));
    }
}
