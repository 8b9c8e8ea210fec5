using Expothesis.Fast.Stats.Internal;

namespace Expothesis.Fast.Stats;

/// <summary>
/// Units per variant for a two-sided two-sample z test with equal allocation; matches
/// <c>statsmodels NormalIndPower().solve_power(effect_size, nobs1=None, alpha, power, ratio=1)</c>, rounded up.
/// </summary>
public static class SampleSize
{
    /// <summary>Binary metric: effect size = Cohen's h between the baseline and the target proportion.</summary>
    public static long? Binary(double baselineRate, double targetRate, double alpha, double power)
    {
        if (!(baselineRate is >= 0 and <= 1) || !(targetRate is >= 0 and <= 1))
        {
            return null;
        }

        return ForEffectSize(EffectSizes.CohensH(baselineRate, targetRate), alpha, power);
    }

    /// <summary>Count/sum metric: effect size d = δ/σ.</summary>
    public static long? Continuous(double delta, double standardDeviation, double alpha, double power)
    {
        if (!(standardDeviation > 0) || !double.IsFinite(delta))
        {
            return null;
        }

        return ForEffectSize(delta / standardDeviation, alpha, power);
    }

    /// <summary>Units per variant for a standardized effect size; null when the effect is 0 or the inputs are invalid.</summary>
    public static long? ForEffectSize(double effectSize, double alpha, double power)
    {
        double d = Math.Abs(effectSize);
        if (!(d > 0) || !double.IsFinite(d) || !(alpha is > 0 and < 1) || !(power is > 0 and < 1))
        {
            return null;
        }

        double crit = Distributions.NormalQuantile(1 - (alpha / 2));
        double zb = Distributions.NormalQuantile(power);
        if (power <= alpha / 2)
        {
            return 1;
        }

        // Closed form ignoring the far tail; the exact solution lies below it (the far tail only adds power).
        double hi = 2 * ((crit + zb) / d) * ((crit + zb) / d);
        double lo = 0;
        if (Power(d, hi, crit) < power)
        {
            return null;
        }

        for (int i = 0; i < 200 && hi - lo > 1e-10 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Power(d, mid, crit) >= power)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        double n = Math.Ceiling(hi - (1e-9 * hi));
        return n > long.MaxValue / 4 ? null : Math.Max(1, (long)n);
    }

    private static double Power(double d, double n1, double crit)
    {
        double s = d * Math.Sqrt(n1 / 2);
        return Distributions.NormalCdf(s - crit) + Distributions.NormalCdf(-crit - s);
    }
}
