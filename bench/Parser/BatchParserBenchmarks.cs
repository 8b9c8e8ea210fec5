using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.Parser;

/// <summary>
/// Parses a realistic 500-event batch (3 experiments, mixed exposures and metrics, user ids like
/// "user-123456", event ids, some RFC 3339 timestamps). Times are per event (OperationsPerInvoke);
/// multiply the allocation column by 500 for bytes per batch.
/// </summary>
[MemoryDiagnoser]
public class BatchParserBenchmarks
{
    private const int Events = 500;

    private readonly BatchParser _parser = new(new GatewayLimits());
    private readonly EventBatch _batch = new(Events, 64 * 1024);
    private readonly IngestRejections _rejections = new();
    private readonly BenchSchema _schema = new(["checkout-button", "search-ranking", "onboarding-flow"], ["purchase", "revenue", "click"], ["control", "green", "blue"]);
    private readonly SequencePipeReader _sequenceReader = new();
    private byte[] _body = [];
    private ReadOnlySequence<byte> _segmented;
    private Pipe _singleSegmentPipe = null!;
    private Pipe _segmentedPipe = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        string[] experiments = ["checkout-button", "search-ranking", "onboarding-flow"];
        string[] metrics = ["purchase", "revenue", "click"];
        string[] variants = ["control", "green", "blue"];
        var sb = new StringBuilder("{\"events\":[");
        for (int i = 0; i < Events; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            string experiment = experiments[random.Next(3)];
            int user = random.Next(100_000, 1_000_000);
            if (random.Next(4) == 0)
            {
                sb.Append($$"""{"experiment":"{{experiment}}","user_id":"user-{{user}}","type":"exposure","variant":"{{variants[random.Next(3)]}}","timestamp":"2026-11-22T10:{{random.Next(10, 60)}}:00.{{random.Next(100, 1000)}}Z","event_id":"ev-{{i}}-{{user}}"}""");
            }
            else
            {
                sb.Append($$"""{"experiment":"{{experiment}}","user_id":"user-{{user}}","type":"metric","metric":"{{metrics[random.Next(3)]}}","value":{{random.Next(1, 5000) / 100.0}},"timestamp":{{1_795_341_600_000L + i}},"event_id":"ev-{{i}}-{{user}}"}""");
            }
        }
        sb.Append("]}");
        _body = Encoding.UTF8.GetBytes(sb.ToString());
        _segmented = ChunkSegment.Split(_body, 4096);
        _singleSegmentPipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: _body.Length + 1, useSynchronizationContext: false));
        _segmentedPipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 4096, useSynchronizationContext: false));
        // Sanity: everything parses and nothing is rejected.
        if (ParseFromPipe(_segmentedPipe) != Events || ParseFromPipe(_singleSegmentPipe) != Events || ParseSequence() != Events)
        {
            throw new InvalidOperationException("the benchmark batch did not parse fully");
        }
        Console.WriteLine($"// body {_body.Length} bytes, {_body.Length / Events} bytes/event");
        // Thread CPU time per event (independent of how busy the machine is).
        for (int warm = 0; warm < 200; warm++)
        {
            ParseSequence();
        }
        double single = ThreadCpuClock.Measure(() => ParseFromPipe(_singleSegmentPipe), 200) / Events;
        double segmented = ThreadCpuClock.Measure(() => ParseFromPipe(_segmentedPipe), 200) / Events;
        double sequence = ThreadCpuClock.Measure(() => ParseSequence(), 200) / Events;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            ParseFromPipe(_segmentedPipe);
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        long parserOnly = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            ParseSequence();
        }
        parserOnly = GC.GetAllocatedBytesForCurrentThread() - parserOnly;
        Console.WriteLine($"// allocated by the parser alone (pre-split sequence): {parserOnly / 100.0:F1} B/batch");
        Console.WriteLine($"// thread CPU ns/event: pipe single segment {single:F1}, pipe 4 KiB segments {segmented:F1}, pre-split sequence {sequence:F1}; " +
            $"events/s per core {1e9 / segmented:N0} (4 KiB segments); allocated {allocated / 100.0:F1} B/batch");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "Pipe, one segment")]
    public int PipeSingleSegment() => ParseFromPipe(_singleSegmentPipe);

    [Benchmark(OperationsPerInvoke = Events, Description = "Pipe, 4 KiB segments")]
    public int PipeFourKiBSegments() => ParseFromPipe(_segmentedPipe);

    [Benchmark(OperationsPerInvoke = Events, Description = "Pre-split 4 KiB sequence, no copy")]
    public int PreSplitSequence() => ParseSequence();

    private int ParseFromPipe(Pipe pipe)
    {
        pipe.Writer.Write(_body);
        pipe.Writer.Complete();
        int n = Parse(pipe.Reader);
        pipe.Reader.Complete();
        pipe.Reset();
        return n;
    }

    private int ParseSequence()
    {
        _sequenceReader.Reset(_segmented);
        return Parse(_sequenceReader);
    }

    private int Parse(PipeReader reader)
    {
        _parser.Reset(_schema, _batch, _rejections, BatchFormat.Json, 1_795_341_600_000L);
        var parsing = _parser.ParseAsync(reader, CancellationToken.None);
        if (!parsing.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("a complete pipe parses synchronously");
        }
        var outcome = parsing.Result;
        return outcome.IsOk && _rejections.Rejected == 0 ? _batch.Count : -1;
    }
}
