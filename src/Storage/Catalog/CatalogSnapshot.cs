using System.Diagnostics.CodeAnalysis;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Catalog.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>
/// An immutable view of the whole catalog at one catalog version. The catalog swaps in a new snapshot on
/// every change; readers (a parser for one batch, an assignment request) hold one snapshot throughout.
/// All look-ups by UTF-8 bytes are allocation-free.
/// </summary>
public sealed class CatalogSnapshot : IIngestSchema
{
    private readonly CompiledExperiment[] _experiments;
    private readonly NameTable _names;

    internal CatalogSnapshot(long version, CompiledExperiment[] experiments)
    {
        Version = version;
        _experiments = experiments;
        var map = new Dictionary<string, int>(experiments.Length * 2, StringComparer.Ordinal);
        int running = 0;
        foreach (var e in experiments)
        {
            map[e.Id] = e.Ordinal;
            map[e.Key] = e.Ordinal;
            if (e.Status == ExperimentStatus.Running)
            {
                running++;
            }
        }
        _names = new NameTable(map);
        var runningList = new CompiledExperiment[running];
        int n = 0;
        foreach (var e in experiments)
        {
            if (e.Status == ExperimentStatus.Running)
            {
                runningList[n++] = e;
            }
        }
        Running = runningList;
    }

    /// <summary>Catalog-wide version: +1 on every change to any experiment.</summary>
    public long Version { get; }

    /// <summary>Every experiment ever created (archived ones included); index == ordinal.</summary>
    public IReadOnlyList<CompiledExperiment> Experiments => _experiments;

    /// <summary>The running experiments, by ordinal.</summary>
    public IReadOnlyList<CompiledExperiment> Running { get; }

    /// <summary>The experiment with that ordinal.</summary>
    public CompiledExperiment Get(int ordinal) => _experiments[ordinal];

    /// <summary>Finds an experiment by id or key (archived ones included).</summary>
    public bool TryGet(ReadOnlySpan<char> idOrKey, [MaybeNullWhen(false)] out CompiledExperiment experiment)
    {
        int ordinal = _names.Find(idOrKey);
        if (ordinal < 0)
        {
            experiment = null;
            return false;
        }
        experiment = _experiments[ordinal];
        return true;
    }

    /// <summary>Finds an experiment by UTF-8 id or key (archived ones included), without allocating.</summary>
    public bool TryGet(ReadOnlySpan<byte> idOrKeyUtf8, [MaybeNullWhen(false)] out CompiledExperiment experiment)
    {
        int ordinal = _names.Find(idOrKeyUtf8);
        if (ordinal < 0)
        {
            experiment = null;
            return false;
        }
        experiment = _experiments[ordinal];
        return true;
    }

    /// <inheritdoc/>
    public bool TryGetExperiment(ReadOnlySpan<byte> idOrKeyUtf8, out int experiment)
    {
        int ordinal = _names.Find(idOrKeyUtf8);
        if (ordinal < 0 || _experiments[ordinal].Status == ExperimentStatus.Archived)
        {
            experiment = -1;
            return false;
        }
        experiment = ordinal;
        return true;
    }

    /// <inheritdoc/>
    public ExperimentStatus GetStatus(int experiment) => _experiments[experiment].Status;

    /// <inheritdoc/>
    public int GetMetric(int experiment, ReadOnlySpan<byte> nameUtf8) => _experiments[experiment].GetMetric(nameUtf8);

    /// <inheritdoc/>
    public int GetVariant(int experiment, ReadOnlySpan<byte> keyUtf8) => _experiments[experiment].GetVariant(keyUtf8);

    /// <inheritdoc/>
    public int GetMetricCount(int experiment) => _experiments[experiment].Definition.Metrics.Count;

    /// <inheritdoc/>
    public int GetVariantCount(int experiment) => _experiments[experiment].Definition.Variants.Count;

    /// <inheritdoc/>
    public MetricKind GetMetricKind(int experiment, int metric) => _experiments[experiment].Definition.Metrics[metric].Kind;
}
