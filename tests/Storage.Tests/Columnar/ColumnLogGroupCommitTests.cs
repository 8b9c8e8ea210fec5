using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Columnar;

public sealed class ColumnLogGroupCommitTests
{
    private static EventBatch Tagged(int caller, int sequence, int count)
    {
        var batch = new EventBatch();
        for (int i = 0; i < count; i++)
        {
            EventFactory.Add(batch, $"user-{caller}", sequence, experiment: caller, metric: 0, value: i);
        }
        return batch;
    }

    [Theory]
    [InlineData(Durability.Fsync)]
    [InlineData(Durability.Flush)]
    public async Task Appends_issued_without_waiting_are_stored_in_call_order_with_their_block_positions(Durability durability)
    {
        using var dir = new TempDirectory();
        await using var log = ColumnLog.Open(dir.Path, durability);
        const int Appends = 300;
        var batches = Enumerable.Range(0, Appends).Select(i => Tagged(0, i, 1 + i % 7)).ToList();
        var pending = new Task<long>[Appends];
        for (int i = 0; i < Appends; i++)
        {
            pending[i] = log.AppendAsync(batches[i]).AsTask();
        }
        var positions = new long[Appends];
        for (int i = 0; i < Appends; i++)
        {
            positions[i] = await pending[i];
        }

        var blockEnds = new List<long>();
        var sequenceToEnd = new Dictionary<long, long>();
        var order = new List<long>();
        log.Replay(0, (batch, end) =>
        {
            blockEnds.Add(end);
            foreach (ref readonly var r in batch.Records)
            {
                order.Add(r.TimestampMs);
                sequenceToEnd[r.TimestampMs] = end;
            }
        });
        Assert.Equal(batches.SelectMany(b => Enumerable.Repeat((long)b.Records[0].TimestampMs, b.Count)), order);
        for (int i = 0; i < Appends; i++)
        {
            Assert.Equal(sequenceToEnd[i], positions[i]);
        }
        Assert.Equal(blockEnds.Distinct().Count(), blockEnds.Count);
        Assert.Equal(blockEnds[^1], log.DurablePosition);
        foreach (var b in batches)
        {
            b.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_appenders_each_see_their_own_records_in_their_order_and_every_position_covers_them()
    {
        using var dir = new TempDirectory();
        await using var log = ColumnLog.Open(dir.Path, Durability.Fsync, new ColumnLogOptions { QueueCapacity = 8, MaxBlockRecords = 40 });
        const int Callers = 8, PerCaller = 40;
        var results = new long[Callers][];
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            results[c] = new long[PerCaller];
            for (int s = 0; s < PerCaller; s++)
            {
                using var batch = Tagged(c, s, 1 + (s % 5));
                results[c][s] = await log.AppendAsync(batch);
            }
        })));

        var seen = new Dictionary<(int, long), long>();
        var perCaller = Enumerable.Range(0, Callers).Select(_ => new List<long>()).ToArray();
        long total = 0;
        log.Replay(0, (batch, end) =>
        {
            foreach (ref readonly var r in batch.Records)
            {
                seen[(r.Experiment, r.TimestampMs)] = end;
                var list = perCaller[r.Experiment];
                if (list.Count == 0 || list[^1] != r.TimestampMs)
                {
                    list.Add(r.TimestampMs);
                }
                total++;
            }
        });
        Assert.Equal(Callers * Enumerable.Range(0, PerCaller).Sum(s => 1 + s % 5), total);
        for (int c = 0; c < Callers; c++)
        {
            Assert.Equal(Enumerable.Range(0, PerCaller).Select(s => (long)s), perCaller[c]);
            for (int s = 0; s < PerCaller; s++)
            {
                Assert.Equal(seen[(c, s)], results[c][s]);
            }
        }
        Assert.Equal(total, log.EventCount);
    }

    [Fact]
    public async Task An_empty_append_completes_at_the_position_after_the_earlier_appends()
    {
        using var dir = new TempDirectory();
        await using var log = ColumnLog.Open(dir.Path, Durability.Flush);
        using var full = Tagged(1, 1, 3);
        using var empty = new EventBatch();
        var first = log.AppendAsync(full).AsTask();
        var second = log.AppendAsync(empty).AsTask();
        long p1 = await first;
        long p2 = await second;
        Assert.Equal(p1, p2);
        Assert.Equal(p1, log.DurablePosition);
    }

    [Fact]
    public async Task Appending_after_dispose_throws()
    {
        using var dir = new TempDirectory();
        var log = ColumnLog.Open(dir.Path, Durability.Flush);
        await log.DisposeAsync();
        using var batch = Tagged(0, 0, 1);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await log.AppendAsync(batch));
    }
}
