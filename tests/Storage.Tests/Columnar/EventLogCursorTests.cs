using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Columnar;

public sealed class EventLogCursorTests
{
    private static async Task<List<StoredEvent>> FillAsync(IEventLog log)
    {
        var all = new List<StoredEvent>();
        var rng = new Random(77);
        using var batch = new EventBatch();
        long clock = 1_000;
        for (int b = 0; b < 20; b++)
        {
            batch.Clear();
            for (int i = 0; i < 50; i++)
            {
                clock += rng.Next(20);
                short metric = (short)(rng.Next(5) - 2); // -2 (sticky assignment), -1 (exposure), 0..2
                EventFactory.Add(batch, "user-" + rng.Next(1000), clock, experiment: b % 4 == 0 ? 9 : rng.Next(3), metric: metric,
                    variant: (short)rng.Next(2), value: rng.Next(10), eventId: rng.Next(4) == 0 ? "e" + i : null);
            }
            all.AddRange(StoredEvent.FromBatch(batch));
            await log.AppendAsync(batch);
        }
        return all;
    }

    private static List<StoredEvent> Scan(IEventArchive archive, EventScanFilter filter)
    {
        var list = new List<StoredEvent>();
        using var cursor = archive.OpenCursor(filter);
        while (cursor.TryReadNext(out var r, out var unit, out var evt))
        {
            list.Add(StoredEvent.From(r, unit, evt));
        }
        return list;
    }

    public static TheoryData<int?, long?, long?> Filters => new()
    {
        { null, null, null },
        { 1, null, null },
        { 9, null, null },
        { 42, null, null },
        { null, 3_000, 6_000 },
        { 2, 2_500, null },
        { null, null, 1_500 },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Cursors_return_exactly_the_matching_events_and_skip_sticky_assignments(int? experiment, long? from, long? to)
    {
        using var dir = new TempDirectory();
        await using var disk = ColumnLog.Open(dir.Path, Durability.Flush, new ColumnLogOptions { SegmentBytes = 4096 });
        await using var memory = new InMemoryEventLog();
        var all = await FillAsync(disk);
        await FillAsync(memory);
        var filter = new EventScanFilter(experiment, from, to);
        var expected = all.Where(e => e.Metric != -2
            && (experiment is null || e.Experiment == experiment)
            && (from is null || e.TimestampMs >= from)
            && (to is null || e.TimestampMs < to)).ToList();
        Assert.Equal(expected, Scan(disk, filter));
        Assert.Equal(expected, Scan(memory, filter));
    }

    [Fact]
    public async Task Event_count_leaves_out_sticky_assignments_and_survives_reopen()
    {
        using var dir = new TempDirectory();
        List<StoredEvent> all;
        await using (var disk = ColumnLog.Open(dir.Path, Durability.Flush))
        {
            all = await FillAsync(disk);
            Assert.Equal(all.Count(e => e.Metric != -2), disk.EventCount);
        }
        await using var reopened = ColumnLog.Open(dir.Path, Durability.Flush);
        Assert.Equal(all.Count(e => e.Metric != -2), reopened.EventCount);
        await using var memory = new InMemoryEventLog();
        await FillAsync(memory);
        Assert.Equal(reopened.EventCount, memory.EventCount);
        Assert.Equal(reopened.SizeOnDiskBytes, memory.SizeOnDiskBytes);
    }

    [Fact]
    public async Task A_cursor_sees_the_log_as_of_when_it_was_opened()
    {
        await using var log = new InMemoryEventLog();
        using var batch = new EventBatch();
        EventFactory.Add(batch, "user-1", 10, metric: 0);
        await log.AppendAsync(batch);
        using var cursor = log.OpenCursor(EventScanFilter.All);
        await log.AppendAsync(batch);
        Assert.True(cursor.TryReadNext(out _, out var unit, out _));
        Assert.Equal("user-1"u8.ToArray(), unit.ToArray());
        Assert.Equal(0, cursor.RemainingInBlock);
        Assert.False(cursor.TryReadNext(out _, out _, out _));
        Assert.Equal(1, cursor.BlocksRead);
    }
}
