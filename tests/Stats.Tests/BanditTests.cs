using Xunit.Abstractions;

namespace Expothesis.Fast.Stats.Tests;

public sealed class BanditTests(ITestOutputHelper output)
{
    [Fact]
    public void Thompson_sampling_moves_at_least_70_percent_of_the_weight_to_the_best_arm_and_never_moves_a_unit()
    {
        const ulong seed = 20261201;
        output.WriteLine($"seed {seed}");
        double[] truth = [0.05, 0.06, 0.08];
        const int k = 3;
        var policy = new BanditPolicy(BanditAlgorithm.Thompson, Binary: true, HigherIsBetter: true, Epsilon: 0.1, MinUnitsPerArm: 100);
        var rng = new Xoshiro256StarStar(seed);
        var weights = new double[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
        var probBest = new double[k];
        var acc = new MomentAccumulator[k];
        var assignment = new Dictionary<int, int>();
        var converted = new HashSet<int>();
        int moved = 0, nextUnit = 0, step = 0;
        while (nextUnit < 20_000)
        {
            // 30% of arrivals are returning units: they keep their stored arm and may convert later.
            bool returning = nextUnit > 0 && rng.NextDouble() < 0.3;
            int unit = returning ? (int)(rng.NextUInt64() % (ulong)nextUnit) : nextUnit++;
            int arm = Place(unit, weights);
            if (assignment.TryGetValue(unit, out int stored))
            {
                arm = stored;
            }
            else
            {
                assignment[unit] = arm;
                acc[arm].AddUnit();
            }

            if (assignment[unit] != arm)
            {
                moved++;
            }

            if (!converted.Contains(unit) && rng.NextDouble() < truth[arm] * (returning ? 0.2 : 1))
            {
                converted.Add(unit);
                acc[arm].Update(0, 1);
            }

            if (++step % 500 == 0)
            {
                var moments = new VariantMoments[k];
                for (int i = 0; i < k; i++)
                {
                    moments[i] = acc[i].ToMoments();
                }

                BanditAllocator.Compute(moments, policy, seed + (ulong)step, weights, probBest);
            }
        }

        var final = new VariantMoments[k];
        long total = 0;
        for (int i = 0; i < k; i++)
        {
            final[i] = acc[i].ToMoments();
            total += final[i].N;
            output.WriteLine($"arm {i}: units {final[i].N}, conversions {final[i].S1}, weight {weights[i]:F4}, P(best) {probBest[i]:F4}");
        }

        Assert.Equal(0, moved);
        Assert.Equal(20_000, total);
        Assert.Equal(assignment.Count, total);
        for (int i = 0; i < k; i++)
        {
            Assert.Equal(assignment.Values.Count(a => a == i), final[i].N);
            Assert.True(weights[i] >= BanditAllocator.WeightFloor(k) - 1e-15);
        }

        Assert.True(weights[2] >= 0.7, $"best arm weight {weights[2]}");
        Assert.Equal(1, weights.Sum(), 12);
    }

    [Fact]
    public void Arms_below_the_minimum_units_get_uniform_weights()
    {
        VariantMoments[] arms = [new(100, 1, 1), new(99, 50, 50)];
        var w = new double[2];
        var p = new double[2];
        var u = BanditAllocator.Compute(arms, new BanditPolicy(BanditAlgorithm.Thompson, true, true, 0.1, 100), 1, w, p);
        Assert.True(u.WarmingUp);
        Assert.Equal([0.5, 0.5], w);
        Assert.True(p[1] > 0.99);
    }

    [Fact]
    public void Ucb1_and_epsilon_greedy_follow_their_formulas()
    {
        VariantMoments[] arms = [new(1000, 50, 50), new(1000, 80, 80), new(1000, 60, 60)];
        var w = new double[3];
        var p = new double[3];
        BanditAllocator.Compute(arms, new BanditPolicy(BanditAlgorithm.Ucb1, true, true, 0.1, 10), 1, w, p);
        double floor = 0.01 / 3;
        Assert.Equal(floor, w[0], 15);
        Assert.Equal(1 - (2 * floor), w[1], 15);
        BanditAllocator.Compute(arms, new BanditPolicy(BanditAlgorithm.EpsilonGreedy, true, true, 0.3, 10), 1, w, p);
        Assert.Equal(0.1, w[0], 15);
        Assert.Equal(0.8, w[1], 15);
        BanditAllocator.Compute(arms, new BanditPolicy(BanditAlgorithm.EpsilonGreedy, true, false, 0.3, 10), 1, w, p);
        Assert.Equal(0.8, w[0], 15);
    }

    [Fact]
    public void Thompson_weights_are_deterministic_for_a_seed()
    {
        VariantMoments[] arms = [new(500, 30, 30), new(500, 35, 35)];
        var w1 = new double[2];
        var w2 = new double[2];
        var p = new double[2];
        BanditAllocator.Compute(arms, new BanditPolicy(BanditAlgorithm.Thompson, true, true, 0.1, 10), 99, w1, p);
        BanditAllocator.Compute(arms, new BanditPolicy(BanditAlgorithm.Thompson, true, true, 0.1, 10), 99, w2, p);
        Assert.Equal(w1, w2);
        Assert.Equal(0, BanditAllocator.CumulativeRegret([new(10, 5, 5)], true, true));
        Assert.True(BanditAllocator.CumulativeRegret(arms, true, true) > 0);
    }

    // Hash placement over the current weights: the unit's fixed bucket picks the arm whose range holds it.
    private static int Place(int unit, double[] weights)
    {
        ulong h = (ulong)unit * 0x9E3779B97F4A7C15UL;
        h ^= h >> 31;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 29;
        double bucket = (h >> 11) * (1.0 / (1UL << 53));
        double cum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            cum += weights[i];
            if (bucket < cum)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
