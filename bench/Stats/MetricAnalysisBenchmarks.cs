using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Stats;

namespace Expothesis.Fast.Bench.Stats;

/// <summary>
/// A whole experiment's analysis (3 variants × 5 metrics: 2 binary, 2 count, 1 sum) from moment sums.
/// The unit count only changes the numbers in the sums, so the cost must not depend on it.
/// </summary>
[MemoryDiagnoser]
public class MetricAnalysisBenchmarks
{
    private readonly VariantMoments[][] _metrics = new VariantMoments[5][];
    private readonly MetricType[] _types = [MetricType.Binary, MetricType.Binary, MetricType.Continuous, MetricType.Continuous, MetricType.Continuous];
    private readonly AnalysisOptions _options = new(Alpha: 0.05, Correction: CorrectionMethod.Holm, Sequential: true);

    [Params(10_000, 10_000_000)]
    public long UnitsPerVariant { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        double[] rates = [0.10, 0.102, 0.108];
        double[] counts = [2.0, 2.02, 2.1];
        for (int m = 0; m < 5; m++)
        {
            _metrics[m] = new VariantMoments[3];
            for (int v = 0; v < 3; v++)
            {
                long n = UnitsPerVariant + (v * 37);
                if (_types[m] == MetricType.Binary)
                {
                    double x = Math.Round(rates[v] * (m + 1) * n / 2);
                    _metrics[m][v] = new VariantMoments(n, x, x);
                }
                else
                {
                    double mean = counts[v] * (m + 1), var = mean * 1.7;
                    _metrics[m][v] = new VariantMoments(n, mean * n, (var * (n - 1)) + (mean * mean * n));
                }
            }
        }
    }

    [Benchmark]
    public int AnalyzeExperiment()
    {
        int comparisons = 0;
        for (int m = 0; m < _metrics.Length; m++)
        {
            comparisons += MetricAnalyzer.Analyze(_types[m], _metrics[m], _options).Comparisons.Count;
        }

        return comparisons;
    }
}
