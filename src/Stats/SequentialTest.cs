using Expothesis.Fast.Stats.Internal;

namespace Expothesis.Fast.Stats;

/// <summary>Always-valid p-value and confidence sequence for a difference.</summary>
public readonly record struct SequentialResult(double PValue, Interval DifferenceCi, double HalfWidth);

/// <summary>
/// Asymptotic confidence sequence (normal mixture; Waudby-Smith et al.), STATS.md "Sequential testing":
/// ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*,
/// halfwidth = SE·√N·√(2(Nρ²+1)·ln(√(Nρ²+1)/α) / (N²ρ²)),
/// p = min(1, √(Nρ²+1)·exp(−z²·Nρ²/(2(Nρ²+1)))).
/// </summary>
public static class SequentialTest
{
    /// <summary>ρ² for tuning N* and level α.</summary>
    public static double Rho2(double tuning, double alpha)
    {
        double l = -2 * Math.Log(alpha);
        return (l + Math.Log(l + 1)) / tuning;
    }

    /// <summary>
    /// Computes the sequential p-value and CI of <paramref name="difference"/> with standard error
    /// <paramref name="standardError"/> after <paramref name="totalUnits"/> = nA + nB units.
    /// Null when there are no units or the inputs are not finite. A zero SE gives p = 1 for a zero difference
    /// and p = 0 otherwise.
    /// </summary>
    public static SequentialResult? Compute(double difference, double standardError, long totalUnits, double alpha, double tuning)
    {
        if (totalUnits <= 0 || !(alpha is > 0 and < 1) || !(tuning > 0) || !double.IsFinite(difference) || !double.IsFinite(standardError) || standardError < 0)
        {
            return null;
        }

        double n = totalUnits;
        double rho2 = Rho2(tuning, alpha);
        double nr = n * rho2;
        double halfWidth = standardError * Math.Sqrt(n) * Math.Sqrt(2 * (nr + 1) * Math.Log(Math.Sqrt(nr + 1) / alpha) / (n * n * rho2));
        double p;
        if (standardError == 0)
        {
            p = difference == 0 ? 1 : 0;
        }
        else
        {
            double z = difference / standardError;
            p = Math.Min(1, Math.Sqrt(nr + 1) * Math.Exp(-z * z * nr / (2 * (nr + 1))));
        }

        return new SequentialResult(p, new Interval(difference - halfWidth, difference + halfWidth), halfWidth);
    }
}
