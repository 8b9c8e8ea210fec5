using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Catalog.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>
/// One experiment as the hot paths see it: immutable for its version, with byte-keyed metric and variant
/// look-ups and the compiled assignment target. The <see cref="Weights"/> and <see cref="Target"/> objects
/// are shared by every version of the experiment after it was last fully edited, so a bandit's weights
/// survive lifecycle changes.
/// </summary>
public sealed class CompiledExperiment
{
    private readonly NameTable _metrics;
    private readonly NameTable _variants;

    internal CompiledExperiment(ExperimentRecord record, ExperimentDefinition definition, AssignmentTarget target, AllocationWeights weights)
    {
        Record = record;
        Definition = definition;
        Target = target;
        Weights = weights;
        var metricNames = new string[definition.Metrics.Count];
        for (int i = 0; i < metricNames.Length; i++)
        {
            metricNames[i] = definition.Metrics[i].Name;
        }
        var variantKeys = new string[definition.Variants.Count];
        for (int i = 0; i < variantKeys.Length; i++)
        {
            variantKeys[i] = definition.Variants[i].Key;
        }
        VariantKeys = variantKeys;
        _metrics = NameTable.Create(metricNames);
        _variants = NameTable.Create(variantKeys);
    }

    /// <summary>Dense ordinal (index into <see cref="CatalogSnapshot.Experiments"/>), stable forever.</summary>
    public int Ordinal => Record.Ordinal;

    /// <summary>Stable id.</summary>
    public string Id => Record.Id;

    /// <summary>Unique key.</summary>
    public string Key => Record.Key;

    /// <summary>Lifecycle state of this version.</summary>
    public ExperimentStatus Status => Record.Status;

    /// <summary>Experiment version.</summary>
    public long Version => Record.Version;

    /// <summary>When the experiment was started, if it was.</summary>
    public DateTimeOffset? StartedAt => Record.StartedAt;

    /// <summary>When the experiment was stopped, if it was.</summary>
    public DateTimeOffset? StoppedAt => Record.StoppedAt;

    /// <summary>The validated definition.</summary>
    public ExperimentDefinition Definition { get; }

    /// <summary>The stored record (what the API returns).</summary>
    public ExperimentRecord Record { get; }

    /// <summary>Variant keys by variant index.</summary>
    public IReadOnlyList<string> VariantKeys { get; }

    /// <summary>Current allocation weights: configured at first, moved by a bandit.</summary>
    public AllocationWeights Weights { get; }

    /// <summary>What the assigner evaluates for this experiment.</summary>
    public AssignmentTarget Target { get; }

    /// <summary>Metric ordinal of a name, or -1.</summary>
    public int GetMetric(ReadOnlySpan<char> name) => _metrics.Find(name);

    /// <summary>Metric ordinal of a UTF-8 name, or -1 (no allocation).</summary>
    public int GetMetric(ReadOnlySpan<byte> nameUtf8) => _metrics.Find(nameUtf8);

    /// <summary>Variant index of a key, or -1.</summary>
    public int GetVariant(ReadOnlySpan<char> key) => _variants.Find(key);

    /// <summary>Variant index of a UTF-8 key, or -1 (no allocation).</summary>
    public int GetVariant(ReadOnlySpan<byte> keyUtf8) => _variants.Find(keyUtf8);

    /// <inheritdoc/>
    public override string ToString() => $"{Key} ({Id}, #{Ordinal}, {CatalogNames.ToWire(Status)}, v{Version})";
}
