using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.ColumnLog;

/// <summary>Scan speed per event over 200,000 standard events: a cursor (all, or one experiment) and a replay.</summary>
[MemoryDiagnoser]
public class ColumnLogScanBenchmarks
{
    private const int Events = 200_000;
    private IEventArchiveLog _log = null!;
    private string _directory = "";

    [Params(Durability.None, Durability.Flush)]
    public Durability Durability { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "xlog-scan-" + Guid.NewGuid().ToString("N"));
        _log = EventLogs.Create(_directory, Durability);
        foreach (var batch in RealisticEvents.Batches(Events / 500, 500))
        {
            _log.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
            batch.Dispose();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public long CursorAll()
    {
        long sum = 0;
        using var cursor = _log.OpenCursor(EventScanFilter.All);
        while (cursor.TryReadNext(out var r, out var unit, out _))
        {
            sum += r.TimestampMs + unit.Length;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public long CursorOneExperiment()
    {
        long n = 0;
        using var cursor = _log.OpenCursor(new EventScanFilter(2, null, null));
        while (cursor.TryReadNext(out _, out _, out _))
        {
            n++;
        }
        return n;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public long Replay()
    {
        long n = 0;
        _log.Replay(0, (batch, _) => n += batch.Count);
        return n;
    }
}
