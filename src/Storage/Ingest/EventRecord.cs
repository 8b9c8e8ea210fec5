using System.Runtime.InteropServices;

namespace Expothesis.Fast.Storage.Ingest;

/// <summary>
/// One parsed event, fixed size, no references: what the parser produces, the shards apply and the
/// column log stores. Variable-length bytes (the unit id, the event id) live in the owning
/// <see cref="EventBatch"/>'s arena and are addressed by offset and length.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct EventRecord
{
    /// <summary>Stable 64-bit hash of the unit id's UTF-8 bytes (<see cref="UnitHash"/>).</summary>
    public ulong UnitHash;
    /// <summary>Hash of the event id's UTF-8 bytes, or 0 when the event has none.</summary>
    public ulong EventIdHash;
    /// <summary>The metric value (finite; 1 by default). Ignored for exposures.</summary>
    public double Value;
    /// <summary>Event time, Unix epoch milliseconds.</summary>
    public long TimestampMs;
    /// <summary>Experiment ordinal from the catalog.</summary>
    public int Experiment;
    /// <summary>Metric ordinal within the experiment, or <see cref="ExposureMetric"/>.</summary>
    public short Metric;
    /// <summary>Variant index within the experiment, or <see cref="NoVariant"/>.</summary>
    public short Variant;
    /// <summary>Offset of the unit id bytes in the batch arena.</summary>
    public int UnitIdOffset;
    /// <summary>Length of the unit id bytes.</summary>
    public int UnitIdLength;
    /// <summary>Offset of the event id bytes in the batch arena.</summary>
    public int EventIdOffset;
    /// <summary>Length of the event id bytes; 0 when the event has none.</summary>
    public int EventIdLength;

    /// <summary>The <see cref="Metric"/> value of an exposure event.</summary>
    public const short ExposureMetric = -1;
    /// <summary>The <see cref="Variant"/> value when the event names no variant.</summary>
    public const short NoVariant = -1;

    /// <summary>True for an exposure event.</summary>
    public readonly bool IsExposure => Metric == ExposureMetric;
}
