// Compiled once bench/Expothesis.Fast.Bench.csproj links load/Histogram/*.cs and defines LOAD_HISTOGRAM
// (the histogram is written once, in load/, and shared by linking the file: bench does not reference load).
#if LOAD_HISTOGRAM
using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Load.Histogram;

namespace Expothesis.Fast.Bench.Histogram;

/// <summary>Cost of recording into, querying and merging the shared HDR-style latency histogram.</summary>
[MemoryDiagnoser]
public class LatencyHistogramBenchmarks
{
    private const int Values = 4096;
    private readonly long[] _values = new long[Values];
    private LatencyHistogram _histogram = null!;
    private LatencyHistogram _other = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (var i = 0; i < Values; i++)
        {
            _values[i] = (long)Math.Exp(random.NextDouble() * 16 + 7);
        }

        _histogram = new LatencyHistogram();
        _other = new LatencyHistogram();
        foreach (var v in _values)
        {
            _other.Record(v);
            _histogram.Record(v);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Values)]
    public void Record()
    {
        var h = _histogram;
        foreach (var v in _values)
        {
            h.Record(v);
        }
    }

    [Benchmark]
    public long P99() => _histogram.ValueAtPercentile(99);

    [Benchmark]
    public void Merge() => _histogram.Add(_other);
}
#endif
