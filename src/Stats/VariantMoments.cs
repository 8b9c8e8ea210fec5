namespace Expothesis.Fast.Stats;

/// <summary>
/// Unit-level sufficient statistics of one variant for one metric (STATS.md): N exposed units,
/// S1 = Σ y_u, S2 = Σ y_u² (y = 0 for exposed units without events).
/// </summary>
public readonly record struct VariantMoments(long N, double S1, double S2)
{
    /// <summary>S1 / N, or 0 when N = 0.</summary>
    public double Mean => N > 0 ? S1 / N : 0;

    /// <summary>Sample variance (S2 − S1²/N)/(N − 1), clamped at 0; 0 when N &lt; 2.</summary>
    public double Variance => N > 1 ? Math.Max(0, (S2 - S1 * S1 / N) / (N - 1)) : 0;
}
