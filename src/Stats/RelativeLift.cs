using Expothesis.Fast.Stats.Internal;

namespace Expothesis.Fast.Stats;

/// <summary>Relative lift r = μB/μA − 1 and its confidence interval.</summary>
public readonly record struct LiftEstimate(double Lift, Interval? Ci);

/// <summary>Relative lift by the delta method (STATS.md).</summary>
public static class RelativeLift
{
    /// <summary>
    /// r = μB/μA − 1 with SE² = sB²/(nB μA²) + μB² sA²/(nA μA⁴) and a normal (z) interval.
    /// Null when μA = 0 or either side has no units. <paramref name="varianceA"/> and
    /// <paramref name="varianceB"/> are the unit-level variances s².
    /// </summary>
    public static LiftEstimate? DeltaMethod(double meanA, double varianceA, long nA, double meanB, double varianceB, long nB, double alpha)
    {
        if (nA <= 0 || nB <= 0 || meanA == 0 || !double.IsFinite(meanA) || !double.IsFinite(meanB))
        {
            return null;
        }

        double r = (meanB / meanA) - 1;
        double a2 = meanA * meanA;
        double se2 = (varianceB / (nB * a2)) + (meanB * meanB * varianceA / (nA * a2 * a2));
        double se = Math.Sqrt(Math.Max(0, se2));
        if (!double.IsFinite(r))
        {
            return null;
        }

        if (!double.IsFinite(se))
        {
            return new LiftEstimate(r, null);
        }

        double z = Distributions.NormalQuantile(1 - (alpha / 2));
        return new LiftEstimate(r, new Interval(r - (z * se), r + (z * se)));
    }
}
