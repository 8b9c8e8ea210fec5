namespace Expothesis.Fast.Stats;

/// <summary>How a bandit turns per-arm sums into allocation weights.</summary>
/// <param name="Algorithm">Thompson, UCB1 or ε-greedy.</param>
/// <param name="Binary">True for a binary metric (Beta posteriors), false for count/sum (normal posteriors).</param>
/// <param name="HigherIsBetter">Metric direction.</param>
/// <param name="Epsilon">ε for ε-greedy.</param>
/// <param name="MinUnitsPerArm">Every arm gets this many units (uniform weights) before the policy applies.</param>
/// <param name="Draws">Joint posterior draws for Thompson's P(best).</param>
public readonly record struct BanditPolicy(BanditAlgorithm Algorithm, bool Binary, bool HigherIsBetter, double Epsilon, long MinUnitsPerArm, int Draws = 10_000);

/// <summary>Outcome of one weight computation.</summary>
/// <param name="WarmingUp">True while some arm has fewer than the minimum units (weights are uniform).</param>
/// <param name="BestArm">Arm with the best posterior mean (direction-aware), -1 without arms.</param>
public readonly record struct BanditUpdate(bool WarmingUp, int BestArm);

/// <summary>
/// Bandit allocation (STATS.md "Bandits"): uniform until every arm has <c>MinUnitsPerArm</c> units, then the
/// policy, with a floor of 1%/K weight per arm. The caller places new units by hash over these weights and
/// stores each assignment, so an already assigned unit never moves.
/// </summary>
public static class BanditAllocator
{
    /// <summary>The minimum weight of an arm once the policy applies: 1%/K.</summary>
    public static double WeightFloor(int arms) => arms > 0 ? 0.01 / arms : 0;

    /// <summary>
    /// Computes allocation <paramref name="weights"/> (sum 1) and Thompson's P(best) per arm into
    /// <paramref name="probabilityBest"/> (estimated from seeded joint posterior draws whatever the algorithm).
    /// </summary>
    public static BanditUpdate Compute(ReadOnlySpan<VariantMoments> arms, BanditPolicy policy, ulong seed, Span<double> weights, Span<double> probabilityBest)
    {
        int k = arms.Length;
        if (weights.Length < k || probabilityBest.Length < k)
        {
            throw new ArgumentException("output spans are shorter than the number of arms", nameof(weights));
        }

        if (k == 0)
        {
            return new BanditUpdate(false, -1);
        }

        int best = BestArm(arms, policy.HigherIsBetter);
        ProbabilityBest(arms, policy.Binary, policy.HigherIsBetter, policy.Draws, seed, probabilityBest[..k]);
        bool warm = false;
        for (int i = 0; i < k; i++)
        {
            if (arms[i].N < Math.Max(1, policy.MinUnitsPerArm) || (!policy.Binary && arms[i].N < 2))
            {
                warm = true;
            }
        }

        if (warm || k == 1)
        {
            weights[..k].Fill(1.0 / k);
            return new BanditUpdate(warm, best);
        }

        double floor = WeightFloor(k);
        switch (policy.Algorithm)
        {
            case BanditAlgorithm.Ucb1:
                {
                    double total = 0;
                    foreach (var a in arms)
                    {
                        total += a.N;
                    }

                    int pick = 0;
                    double bestScore = double.NegativeInfinity;
                    for (int i = 0; i < k; i++)
                    {
                        double mean = policy.HigherIsBetter ? arms[i].Mean : -arms[i].Mean;
                        double score = mean + Math.Sqrt(2 * Math.Log(total) / arms[i].N);
                        if (score > bestScore)
                        {
                            bestScore = score;
                            pick = i;
                        }
                    }

                    weights[..k].Fill(floor);
                    weights[pick] = 1 - (floor * (k - 1));
                    break;
                }

            case BanditAlgorithm.EpsilonGreedy:
                {
                    double eps = Math.Clamp(double.IsFinite(policy.Epsilon) ? policy.Epsilon : 0.1, 0, 1);
                    weights[..k].Fill(eps / k);
                    weights[best] = 1 - eps + (eps / k);
                    if (eps / k < floor)
                    {
                        ApplyFloor(weights[..k], floor);
                    }

                    break;
                }

            default:
                probabilityBest[..k].CopyTo(weights);
                ApplyFloor(weights[..k], floor);
                break;
        }

        return new BanditUpdate(false, best);
    }

    /// <summary>P(arm i is best) from <paramref name="draws"/> joint draws of independent posteriors (Beta(1+x, 1+n−x) or Normal(mean, s²/n)).</summary>
    public static void ProbabilityBest(ReadOnlySpan<VariantMoments> arms, bool binary, bool higherIsBetter, int draws, ulong seed, Span<double> probabilityBest)
    {
        int k = arms.Length;
        if (k == 0)
        {
            return;
        }

        for (int i = 0; i < k; i++)
        {
            if (!binary && arms[i].N < 2)
            {
                probabilityBest[..k].Fill(1.0 / k);
                return;
            }
        }

        draws = Math.Max(1, draws);
        Span<long> wins = k <= 32 ? stackalloc long[k] : new long[k];
        wins.Clear();
        var rng = new Xoshiro256StarStar(seed);
        for (int d = 0; d < draws; d++)
        {
            int arg = 0;
            double bestValue = double.NegativeInfinity;
            for (int i = 0; i < k; i++)
            {
                var a = arms[i];
                double value;
                if (binary)
                {
                    double x = Math.Clamp(a.S1, 0, Math.Max(0, a.N));
                    value = rng.NextBeta(1 + x, 1 + Math.Max(0, a.N) - x);
                }
                else
                {
                    value = a.Mean + (Math.Sqrt(a.Variance / a.N) * rng.NextNormal());
                }

                if (!higherIsBetter)
                {
                    value = -value;
                }

                if (value > bestValue)
                {
                    bestValue = value;
                    arg = i;
                }
            }

            wins[arg]++;
        }

        for (int i = 0; i < k; i++)
        {
            probabilityBest[i] = (double)wins[i] / draws;
        }
    }

    /// <summary>
    /// Cumulative regret estimate: Σ_i n_i·(μ_best − μ_i) with posterior means (Beta mean (1+x)/(2+n) for binary),
    /// direction-aware.
    /// </summary>
    public static double CumulativeRegret(ReadOnlySpan<VariantMoments> arms, bool binary, bool higherIsBetter)
    {
        if (arms.Length == 0)
        {
            return 0;
        }

        double best = double.NegativeInfinity;
        foreach (var a in arms)
        {
            best = Math.Max(best, Score(a, binary, higherIsBetter));
        }

        double regret = 0;
        foreach (var a in arms)
        {
            regret += a.N * (best - Score(a, binary, higherIsBetter));
        }

        return double.IsFinite(regret) ? regret : 0;
    }

    private static double Score(VariantMoments a, bool binary, bool higherIsBetter)
    {
        double mean = binary ? (1 + Math.Clamp(a.S1, 0, Math.Max(0, a.N))) / (2.0 + Math.Max(0, a.N)) : a.Mean;
        return higherIsBetter ? mean : -mean;
    }

    private static int BestArm(ReadOnlySpan<VariantMoments> arms, bool higherIsBetter)
    {
        int best = 0;
        for (int i = 1; i < arms.Length; i++)
        {
            double m = arms[i].Mean, b = arms[best].Mean;
            if (higherIsBetter ? m > b : m < b)
            {
                best = i;
            }
        }

        return best;
    }

    private static void ApplyFloor(Span<double> weights, double floor)
    {
        double sum = 0;
        foreach (double w in weights)
        {
            sum += Math.Max(0, w);
        }

        int k = weights.Length;
        for (int i = 0; i < k; i++)
        {
            double w = sum > 0 ? Math.Max(0, weights[i]) / sum : 1.0 / k;
            weights[i] = floor + ((1 - (k * floor)) * w);
        }
    }
}
