using Expothesis.Fast.Stats.Internal;

namespace Expothesis.Fast.Stats;

/// <summary>A two-sided interval [Lower, Upper].</summary>
public readonly record struct Interval(double Lower, double Upper);

/// <summary>Per-variant confidence intervals (STATS.md table, first two rows).</summary>
public static class ConfidenceIntervals
{
    /// <summary>
    /// Wilson score interval of a proportion <paramref name="successes"/>/<paramref name="n"/>;
    /// matches <c>statsmodels proportion_confint(x, n, alpha, method="wilson")</c>. Null when n = 0.
    /// </summary>
    public static Interval? Wilson(double successes, long n, double alpha)
    {
        if (n <= 0 || !(alpha is > 0 and < 1) || !double.IsFinite(successes))
        {
            return null;
        }

        double p = Math.Clamp(successes / n, 0, 1);
        double z = Distributions.NormalQuantile(1 - (alpha / 2));
        double z2 = z * z;
        double denom = 1 + (z2 / n);
        double center = (p + (z2 / (2.0 * n))) / denom;
        double dist = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n))) / denom;
        return new Interval(Math.Max(0, center - dist), Math.Min(1, center + dist));
    }

    /// <summary>
    /// t interval on the mean, <c>scipy.stats.t.interval(1 − α, n − 1, loc=mean, scale=s/√n)</c>.
    /// Null when n &lt; 2; a zero-width interval when the variance is 0.
    /// </summary>
    public static Interval? TMean(VariantMoments moments, double alpha)
    {
        if (moments.N < 2 || !(alpha is > 0 and < 1))
        {
            return null;
        }

        double mean = moments.Mean;
        double se = Math.Sqrt(moments.Variance / moments.N);
        if (!double.IsFinite(mean) || !double.IsFinite(se))
        {
            return null;
        }

        if (se == 0)
        {
            return new Interval(mean, mean);
        }

        double t = Distributions.StudentQuantile(1 - (alpha / 2), moments.N - 1);
        return new Interval(mean - (t * se), mean + (t * se));
    }
}
