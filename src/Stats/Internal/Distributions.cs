using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Expothesis.Fast.Stats.Internal;

/// <summary>Tail probabilities and quantiles in the forms that keep relative precision for small p.</summary>
internal static class Distributions
{
    /// <summary>Standard normal quantile Φ⁻¹(p).</summary>
    public static double NormalQuantile(double p) => Normal.InvCDF(0, 1, p);

    /// <summary>Standard normal CDF Φ(x).</summary>
    public static double NormalCdf(double x) => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2));

    /// <summary>Standard normal density φ(x).</summary>
    public static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    /// <summary>Two-sided p-value of a standard normal statistic: 2·Φ(−|z|).</summary>
    public static double NormalTwoSided(double z) => SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>Two-sided p-value of Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double StudentTwoSided(double t, double df)
    {
        if (double.IsPositiveInfinity(df))
        {
            return NormalTwoSided(t);
        }

        double x = df / (df + (t * t));
        return Math.Clamp(SpecialFunctions.BetaRegularized(df / 2, 0.5, x), 0, 1);
    }

    /// <summary>Student t quantile.</summary>
    public static double StudentQuantile(double p, double df) =>
        double.IsPositiveInfinity(df) ? NormalQuantile(p) : StudentT.InvCDF(0, 1, df, p);

    /// <summary>Upper tail of the chi-square distribution.</summary>
    public static double ChiSquareSurvival(double x, double df) =>
        x <= 0 ? 1 : Math.Clamp(SpecialFunctions.GammaUpperRegularized(df / 2, x / 2), 0, 1);

    /// <summary>Upper tail of the F distribution with (d1, d2) degrees of freedom.</summary>
    public static double FSurvival(double f, double d1, double d2) =>
        f <= 0 ? 1 : Math.Clamp(SpecialFunctions.BetaRegularized(d2 / 2, d1 / 2, d2 / (d2 + (d1 * f))), 0, 1);

    /// <summary>The value when finite, else null.</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
