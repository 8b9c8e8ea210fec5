namespace Expothesis.Fast.Assignment;

/// <summary>
/// The seam between assignment and the ingestion engine: sticky lookups and exposure recording.
/// The catalog-only build uses <see cref="NullAssignmentRecorder"/>; the ingestion engine implements
/// it over the unit-state store, so a recorded exposure is logged and counted like an exposure event.
/// </summary>
public interface IAssignmentRecorder
{
    /// <summary>The variant stored for the unit (sticky or bandit assignment), if any.</summary>
    bool TryGetStoredVariant(int experiment, ulong unitHash, out int variant);

    /// <summary>
    /// Records that the unit was assigned <paramref name="variant"/>. With <paramref name="expose"/> the
    /// unit is exposed (enters the analysis); with <paramref name="store"/> the assignment is kept so the
    /// unit never moves (sticky and bandit experiments).
    /// </summary>
    void Record(int experiment, ulong unitHash, ReadOnlySpan<byte> unitIdUtf8, int variant, bool expose, bool store, long timestampMs);
}

/// <summary>Records nothing and stores nothing (catalog and assignment without the ingestion engine).</summary>
public sealed class NullAssignmentRecorder : IAssignmentRecorder
{
    /// <summary>The shared instance.</summary>
    public static readonly NullAssignmentRecorder Instance = new();

    /// <inheritdoc/>
    public bool TryGetStoredVariant(int experiment, ulong unitHash, out int variant)
    {
        variant = -1;
        return false;
    }

    /// <inheritdoc/>
    public void Record(int experiment, ulong unitHash, ReadOnlySpan<byte> unitIdUtf8, int variant, bool expose, bool store, long timestampMs)
    {
    }
}
