using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Storage.Ingest;

/// <summary>How a metric turns a unit's events into its value y (DESIGN.md "Why moment sums").</summary>
public enum MetricKind : byte
{
    /// <summary>1 once the unit converted at least once, else 0.</summary>
    Binary,
    /// <summary>Number of the unit's events.</summary>
    Count,
    /// <summary>Sum of the unit's event values.</summary>
    Sum,
}

/// <summary>
/// The read-only view of the catalog that the ingest path needs: UTF-8 name to ordinal lookups
/// without allocating, and the shape of each experiment. Implemented by the catalog's immutable
/// snapshot; a parser or shard holds one snapshot for a whole batch.
/// </summary>
public interface IIngestSchema
{
    /// <summary>Resolves an experiment id or key (UTF-8) to its ordinal; false when unknown or archived.</summary>
    bool TryGetExperiment(ReadOnlySpan<byte> idOrKeyUtf8, out int experiment);

    /// <summary>The experiment's lifecycle state.</summary>
    ExperimentStatus GetStatus(int experiment);

    /// <summary>Metric ordinal for a metric name (UTF-8), or -1 when the experiment has no such metric.</summary>
    int GetMetric(int experiment, ReadOnlySpan<byte> nameUtf8);

    /// <summary>Variant index for a variant key (UTF-8), or -1 when unknown.</summary>
    int GetVariant(int experiment, ReadOnlySpan<byte> keyUtf8);

    /// <summary>Number of metrics of the experiment.</summary>
    int GetMetricCount(int experiment);

    /// <summary>Number of variants of the experiment.</summary>
    int GetVariantCount(int experiment);

    /// <summary>The kind of a metric.</summary>
    MetricKind GetMetricKind(int experiment, int metric);
}
