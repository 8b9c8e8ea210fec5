namespace Expothesis.Fast.Stats;

/// <summary>Standardized effect sizes (STATS.md).</summary>
public static class EffectSizes
{
    /// <summary>Cohen's h = 2·asin√pB − 2·asin√pA (proportions clamped to [0, 1]).</summary>
    public static double CohensH(double pA, double pB) =>
        (2 * Math.Asin(Math.Sqrt(Math.Clamp(pB, 0, 1)))) - (2 * Math.Asin(Math.Sqrt(Math.Clamp(pA, 0, 1))));

    /// <summary>
    /// Cohen's d = (meanB − meanA) / pooled SD with pooled variance ((nA−1)sA² + (nB−1)sB²)/(nA+nB−2).
    /// Null when the pooled SD is 0 or undefined.
    /// </summary>
    public static double? CohensD(VariantMoments a, VariantMoments b)
    {
        if (a.N < 1 || b.N < 1 || a.N + b.N < 3)
        {
            return null;
        }

        double pooled = (((a.N - 1) * a.Variance) + ((b.N - 1) * b.Variance)) / (a.N + b.N - 2);
        double sd = Math.Sqrt(pooled);
        if (!(sd > 0) || !double.IsFinite(sd))
        {
            return null;
        }

        double d = (b.Mean - a.Mean) / sd;
        return double.IsFinite(d) ? d : null;
    }
}
