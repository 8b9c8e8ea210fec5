using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Columnar.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.ColumnLog;

/// <summary>
/// Column-log append + LZ4 per event, batches of 500 of the standard workload. <c>None</c> is the
/// in-memory log, <c>Flush</c> writes segment files to a temp directory (page cache, no fsync).
/// Every iteration appends 100,000 events to a fresh log; bytes/event is printed at the end.
/// </summary>
[MemoryDiagnoser]
public class ColumnLogAppendBenchmarks
{
    private const int Batches = 200;
    private const int PerBatch = 500;

    private EventBatch[] _batches = [];
    private IEventArchiveLog? _log;
    private string? _directory;
    private long _bytes;
    private long _events;

    [Params(Durability.None, Durability.Flush)]
    public Durability Durability { get; set; }

    [GlobalSetup]
    public void Setup() => _batches = RealisticEvents.Batches(Batches, PerBatch);

    [IterationSetup]
    public void OpenLog()
    {
        _directory = Path.Combine(Path.GetTempPath(), "xlog-bench-" + Guid.NewGuid().ToString("N"));
        _log = EventLogs.Create(_directory, Durability);
    }

    [IterationCleanup]
    public void CloseLog()
    {
        _bytes = _log!.SizeOnDiskBytes;
        _events = _log.EventCount;
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [GlobalCleanup]
    public void Report() =>
        Console.WriteLine($"// column log {Durability}: {_bytes} bytes for {_events} events = {(double)_bytes / _events:F2} bytes/event");

    [Benchmark(OperationsPerInvoke = Batches * PerBatch)]
    public async Task<long> AppendBatchesOf500()
    {
        long position = 0;
        foreach (var batch in _batches)
        {
            position = await _log!.AppendAsync(batch).ConfigureAwait(false);
        }
        return position;
    }
}

/// <summary>Encoding one block of 500 events (all columns, LZ4), without any log around it.</summary>
[MemoryDiagnoser]
public class BlockEncodeBenchmarks
{
    private readonly BlockEncoder _encoder = new();
    private readonly BlockDecoder _decoder = new();
    private readonly EventBatch _decoded = new(1024, 16 * 1024);
    private EventBatch _batch = null!;
    private byte[] _block = [];
    private int _length;

    [GlobalSetup]
    public void Setup()
    {
        _batch = RealisticEvents.Batches(1, 500)[0];
        _length = EncodeBlockOf500();
        Console.WriteLine($"// one block of 500: {_length} bytes = {_length / 500.0:F2} bytes/event");
    }

    [Benchmark(OperationsPerInvoke = 500)]
    public int EncodeBlockOf500()
    {
        _encoder.Reset();
        _encoder.Add(_batch);
        return _encoder.Encode(ref _block);
    }

    [Benchmark(OperationsPerInvoke = 500)]
    public int DecodeBlockOf500()
    {
        _decoder.Decode(_block.AsSpan(0, _length), _decoded);
        return _decoded.Count;
    }
}
