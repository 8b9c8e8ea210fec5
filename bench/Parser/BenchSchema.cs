using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.Parser;

/// <summary>A non-allocating <see cref="IIngestSchema"/> over byte arrays (linear search; a handful of names).</summary>
internal sealed class BenchSchema : IIngestSchema
{
    private readonly byte[][] _experiments;
    private readonly byte[][][] _metrics;
    private readonly byte[][][] _variants;

    public BenchSchema(string[] experiments, string[] metrics, string[] variants)
    {
        _experiments = experiments.Select(Encoding.UTF8.GetBytes).ToArray();
        _metrics = experiments.Select(_ => metrics.Select(Encoding.UTF8.GetBytes).ToArray()).ToArray();
        _variants = experiments.Select(_ => variants.Select(Encoding.UTF8.GetBytes).ToArray()).ToArray();
    }

    public bool TryGetExperiment(ReadOnlySpan<byte> idOrKeyUtf8, out int experiment)
    {
        experiment = Find(_experiments, idOrKeyUtf8);
        return experiment >= 0;
    }

    public ExperimentStatus GetStatus(int experiment) => ExperimentStatus.Running;

    public int GetMetric(int experiment, ReadOnlySpan<byte> nameUtf8) => Find(_metrics[experiment], nameUtf8);

    public int GetVariant(int experiment, ReadOnlySpan<byte> keyUtf8) => Find(_variants[experiment], keyUtf8);

    public int GetMetricCount(int experiment) => _metrics[experiment].Length;

    public int GetVariantCount(int experiment) => _variants[experiment].Length;

    public MetricKind GetMetricKind(int experiment, int metric) => MetricKind.Sum;

    private static int Find(byte[][] names, ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
