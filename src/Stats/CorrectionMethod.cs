namespace Expothesis.Fast.Stats;

/// <summary>Multiple-comparison correction applied across a metric's comparisons (STATS.md).</summary>
public enum CorrectionMethod : byte
{
    /// <summary>No correction: adjusted p equals raw p.</summary>
    None,
    /// <summary>Holm step-down (family-wise error rate).</summary>
    Holm,
    /// <summary>Benjamini–Hochberg (false discovery rate).</summary>
    BenjaminiHochberg,
}
