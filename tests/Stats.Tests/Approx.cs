namespace Expothesis.Fast.Stats.Tests;

/// <summary>Relative-tolerance assertions (STATS.md: 1e-9 for closed forms, 1e-6 for numerical methods).</summary>
internal static class Approx
{
    public const double ClosedForm = 1e-9;
    public const double Numerical = 1e-6;

    public static void Equal(double expected, double? actual, double relative = ClosedForm)
    {
        Assert.True(actual.HasValue, $"expected {expected:R}, got null");
        double a = actual!.Value;
        double tol = relative * Math.Max(Math.Abs(expected), 1e-300);
        if (expected == 0)
        {
            tol = relative;
        }

        Assert.True(Math.Abs(a - expected) <= tol, $"expected {expected:R}, got {a:R} (relative error {Math.Abs(a - expected) / Math.Max(Math.Abs(expected), 1e-300):E2} > {relative:E0})");
    }
}
