using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Ingest;
using Xunit.Abstractions;

namespace Expothesis.Fast.Storage.Tests.Columnar;

public sealed class ColumnLogRoundTripTests(ITestOutputHelper output)
{
    private static List<StoredEvent> ReplayAll(IEventLog log, long from = 0)
    {
        var all = new List<StoredEvent>();
        log.Replay(from, (batch, _) => all.AddRange(StoredEvent.FromBatch(batch)));
        return all;
    }

    private async Task<(List<StoredEvent> Expected, List<long> Positions)> AppendRandomAsync(IEventLog log, int seed, int batches)
    {
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var expected = new List<StoredEvent>();
        var positions = new List<long>();
        long clock = 1_764_000_000_000;
        using var batch = new EventBatch();
        for (int b = 0; b < batches; b++)
        {
            batch.Clear();
            EventFactory.FillRandom(batch, rng, rng.Next(1, 700), ref clock);
            expected.AddRange(StoredEvent.FromBatch(batch));
            positions.Add(await log.AppendAsync(batch));
        }
        return (expected, positions);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_batches_round_trip_through_the_in_memory_log(int seed)
    {
        await using var log = new InMemoryEventLog();
        var (expected, positions) = await AppendRandomAsync(log, seed, 40);
        Assert.Equal(expected, ReplayAll(log));
        Assert.Equal(positions[^1], log.DurablePosition);
        Assert.True(positions.Zip(positions.Skip(1)).All(p => p.First < p.Second));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Random_batches_round_trip_through_many_blocks_and_segments_on_disk(int seed)
    {
        using var dir = new TempDirectory();
        var options = new ColumnLogOptions { SegmentBytes = 16 * 1024 };
        List<StoredEvent> expected;
        List<long> positions;
        await using (var log = ColumnLog.Open(dir.Path, Durability.Flush, options))
        {
            (expected, positions) = await AppendRandomAsync(log, seed, 60);
            Assert.Equal(expected, ReplayAll(log));
            Assert.True(log.SegmentCount > 3, $"segments: {log.SegmentCount}");
        }
        Assert.True(dir.Segments().Length > 3);
        await using (var reopened = ColumnLog.Open(dir.Path, Durability.Flush, options))
        {
            Assert.Equal(0, reopened.TruncatedBytesOnOpen);
            Assert.Equal(positions[^1], reopened.DurablePosition);
            Assert.Equal(expected, ReplayAll(reopened));
            long total = dir.Segments().Sum(f => new FileInfo(f).Length);
            Assert.Equal(total, reopened.SizeOnDiskBytes);
        }
    }

    [Fact]
    public async Task Replay_from_a_returned_position_yields_exactly_the_later_blocks()
    {
        using var dir = new TempDirectory();
        await using var log = ColumnLog.Open(dir.Path, Durability.Flush, new ColumnLogOptions { SegmentBytes = 8 * 1024 });
        await using var memory = new InMemoryEventLog();
        var rng = new Random(5);
        long clock = 0;
        var perBatch = new List<List<StoredEvent>>();
        var positions = new List<long>();
        using var batch = new EventBatch();
        for (int b = 0; b < 30; b++)
        {
            batch.Clear();
            EventFactory.FillRandom(batch, rng, rng.Next(1, 300), ref clock);
            perBatch.Add(StoredEvent.FromBatch(batch));
            long p = await log.AppendAsync(batch);
            Assert.Equal(p, await memory.AppendAsync(batch));
            positions.Add(p);
        }
        for (int b = 0; b < positions.Count; b++)
        {
            var later = perBatch.Skip(b + 1).SelectMany(x => x).ToList();
            Assert.Equal(later, ReplayAll(log, positions[b]));
            Assert.Equal(later, ReplayAll(memory, positions[b]));
        }
        var ends = new List<long>();
        log.Replay(0, (_, end) => ends.Add(end));
        Assert.Equal(positions, ends);
    }

    [Fact]
    public async Task The_realistic_workload_takes_at_most_12_bytes_per_event()
    {
        await using var log = new InMemoryEventLog();
        var rng = new Random(42);
        long clock = 1_764_000_000_000;
        using var batch = new EventBatch(500, 8192);
        const int Batches = 400;
        for (int b = 0; b < Batches; b++)
        {
            batch.Clear();
            EventFactory.FillRealistic(batch, rng, 500, ref clock);
            await log.AppendAsync(batch);
        }
        double perEvent = (double)log.SizeOnDiskBytes / log.EventCount;
        output.WriteLine($"{log.SizeOnDiskBytes} bytes for {log.EventCount} events: {perEvent:F2} bytes/event");
        Assert.Equal(Batches * 500L, log.EventCount);
        Assert.True(perEvent <= 12, $"{perEvent:F2} bytes/event");
    }

    [Fact]
    public void Lz4_round_trips_and_reports_malformed_input()
    {
        var data = new byte[100_000];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i % 251 < 100 ? i % 7 : i * 31);
        }
        var compressed = new byte[Lz4.CompressBound(data.Length)];
        int n = Lz4.Compress(data, compressed);
        Assert.InRange(n, 1, data.Length - 1);
        var back = new byte[data.Length];
        Assert.Equal(data.Length, Lz4.Decompress(compressed.AsSpan(0, n), back));
        Assert.Equal(data, back);
        Assert.NotEqual(data.Length, Lz4.Decompress(compressed.AsSpan(0, n / 2), back));
        Assert.Equal(0, Lz4.Compress(data, new byte[10]));
    }
}
