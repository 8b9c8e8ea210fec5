using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

/// <summary>A small in-memory <see cref="IIngestSchema"/> for parser tests.</summary>
internal sealed class FakeSchema : IIngestSchema
{
    private readonly List<Experiment> _experiments = [];

    public static FakeSchema Standard()
    {
        var s = new FakeSchema();
        s.Add("checkout", "exp_checkout", ExperimentStatus.Running, ["purchase", "revenue"], ["control", "green"]);
        s.Add("search", "exp_search", ExperimentStatus.Running, ["click"], ["a", "b", "c"]);
        s.Add("draft-exp", "exp_draft", ExperimentStatus.Draft, ["m"], ["a", "b"]);
        s.Add("stopped-exp", "exp_stopped", ExperimentStatus.Stopped, ["m"], ["a", "b"]);
        s.Add("paused-exp", "exp_paused", ExperimentStatus.Paused, ["m"], ["a", "b"]);
        s.Add("archived-exp", "exp_archived", ExperimentStatus.Archived, ["m"], ["a", "b"]);
        s.Add("ünï-çødé", "exp_unicode", ExperimentStatus.Running, ["mé"], ["vä"]);
        return s;
    }

    public void Add(string key, string id, ExperimentStatus status, string[] metrics, string[] variants) =>
        _experiments.Add(new Experiment(key, id, status, metrics, variants));

    public bool TryGetExperiment(ReadOnlySpan<byte> idOrKeyUtf8, out int experiment)
    {
        string name = Encoding.UTF8.GetString(idOrKeyUtf8);
        experiment = _experiments.FindIndex(e => (e.Key == name || e.Id == name) && e.Status != ExperimentStatus.Archived);
        return experiment >= 0;
    }

    public ExperimentStatus GetStatus(int experiment) => _experiments[experiment].Status;

    public int GetMetric(int experiment, ReadOnlySpan<byte> nameUtf8) =>
        Array.IndexOf(_experiments[experiment].Metrics, Encoding.UTF8.GetString(nameUtf8));

    public int GetVariant(int experiment, ReadOnlySpan<byte> keyUtf8) =>
        Array.IndexOf(_experiments[experiment].Variants, Encoding.UTF8.GetString(keyUtf8));

    public int GetMetricCount(int experiment) => _experiments[experiment].Metrics.Length;

    public int GetVariantCount(int experiment) => _experiments[experiment].Variants.Length;

    public MetricKind GetMetricKind(int experiment, int metric) => MetricKind.Sum;

    private sealed record Experiment(string Key, string Id, ExperimentStatus Status, string[] Metrics, string[] Variants);
}
