using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Engine;

/// <summary>A mutable fake catalog: experiments with variant counts, metric kinds and a status.</summary>
internal sealed class FakeSchema : IIngestSchema
{
    private readonly List<(string Key, int Variants, MetricKind[] Metrics)> _experiments = [];
    private readonly List<ExperimentStatus> _status = [];

    public int Add(string key, int variants, params MetricKind[] metrics)
    {
        _experiments.Add((key, variants, metrics));
        _status.Add(ExperimentStatus.Running);
        return _experiments.Count - 1;
    }

    public void SetStatus(int experiment, ExperimentStatus status) => _status[experiment] = status;

    public bool TryGetExperiment(ReadOnlySpan<byte> idOrKeyUtf8, out int experiment)
    {
        string key = Encoding.UTF8.GetString(idOrKeyUtf8);
        experiment = _experiments.FindIndex(e => e.Key == key);
        return experiment >= 0;
    }

    public ExperimentStatus GetStatus(int experiment) => _status[experiment];

    public int GetMetric(int experiment, ReadOnlySpan<byte> nameUtf8) => -1;

    public int GetVariant(int experiment, ReadOnlySpan<byte> keyUtf8) => -1;

    public int GetMetricCount(int experiment) => _experiments[experiment].Metrics.Length;

    public int GetVariantCount(int experiment) => _experiments[experiment].Variants;

    public MetricKind GetMetricKind(int experiment, int metric) => _experiments[experiment].Metrics[metric];
}
