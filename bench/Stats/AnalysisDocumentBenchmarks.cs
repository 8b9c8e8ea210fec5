using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Query.Analysis;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.Stats;

/// <summary>
/// What <c>GET /analysis</c> does after reading the sums: the whole document (SRM, 3 variants × 5 metrics,
/// power, recommendation) and its JSON. Independent of the unit count.
/// </summary>
[MemoryDiagnoser]
public class AnalysisDocumentBenchmarks
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private AnalysisInput _input = null!;

    [Params(10_000, 10_000_000)]
    public long UnitsPerVariant { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        MetricKind[] kinds = [MetricKind.Binary, MetricKind.Binary, MetricKind.Count, MetricKind.Count, MetricKind.Sum];
        var moments = new VariantMoments[3, 5];
        for (int v = 0; v < 3; v++)
        {
            long n = UnitsPerVariant + (v * 37);
            for (int m = 0; m < 5; m++)
            {
                if (kinds[m] == MetricKind.Binary)
                {
                    double x = Math.Round((0.10 + (0.004 * v)) * (m + 1) * n / 2);
                    moments[v, m] = new VariantMoments(n, x, x);
                }
                else
                {
                    double mean = (2.0 + (0.05 * v)) * (m + 1), var = mean * 1.7;
                    moments[v, m] = new VariantMoments(n, mean * n, (var * (n - 1)) + (mean * mean * n));
                }
            }
        }

        _input = new AnalysisInput
        {
            ExperimentKey = "bench",
            Status = "running",
            VariantKeys = ["control", "b", "c"],
            ExpectedShares = [1.0 / 3, 1.0 / 3, 1.0 / 3],
            Metrics = [.. Enumerable.Range(0, 5).Select(m => new AnalysisMetric("m" + m, kinds[m], m == 0 ? MetricRole.Primary : m == 4 ? MetricRole.Guardrail : MetricRole.Secondary, MetricDirection.Increase))],
            Moments = moments,
            ExposedUnits = [UnitsPerVariant, UnitsPerVariant + 37, UnitsPerVariant + 74],
            Hypothesis = new AnalysisHypothesis(0.01, true),
            Settings = new AnalysisSettings(AnalysisEngineKind.Frequentist, true, 5000, CorrectionMethod.Holm),
        };
    }

    [Benchmark]
    public AnalysisDocument Build() => AnalysisBuilder.Build(_input, null, s_now);

    [Benchmark]
    public byte[] BuildAndSerialize() => JsonSerializer.SerializeToUtf8Bytes(AnalysisBuilder.Build(_input, null, s_now), AnalysisJsonContext.Default.AnalysisDocument);
}
