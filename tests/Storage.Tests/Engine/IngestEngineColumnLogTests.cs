using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;
using Xunit.Abstractions;
using static Expothesis.Fast.Storage.Tests.Engine.EngineTestData;

namespace Expothesis.Fast.Storage.Tests.Engine;

/// <summary>The engine over the real column log (flush durability): recovery, rebuild, a torn last block.</summary>
public sealed class IngestEngineColumnLogTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = TempDir();

    private string LogDir => Path.Combine(_dir, "log");

    private string StateDir => Path.Combine(_dir, "state");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private IngestEngineOptions CrashingOptions(int shards)
    {
        var o = Options(shards, StateDir);
        o.CheckpointOnDispose = false;
        return o;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Randomized_sums_over_the_column_log_equal_the_model_and_survive_reopen_and_rebuild(int shards)
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var schema = StandardSchema();
        var events = Generate(rng, schema, 12_000);
        var model = new NaiveModel(schema);
        var expected = events.Select(model.Apply).ToArray();
        Dictionary<(int, int, int), Stats.VariantMoments> live;
        await using (var log = EventLogs.Create(LogDir, Durability.Flush))
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(shards)))
        {
            var first = await IngestInBatchesAsync(engine, events.Take(7_000).ToList(), rng);
            await engine.CheckpointAsync();
            var second = await IngestInBatchesAsync(engine, events.Skip(7_000).ToList(), rng);
            Assert.Equal(expected, first.Concat(second));
            for (int e = 0; e < 2; e++)
            {
                for (int v = 0; v < schema.GetVariantCount(e); v++)
                {
                    for (int m = 0; m < schema.GetMetricCount(e); m++)
                    {
                        Assert.Equal(model.Moments(e, v, m), engine.GetMoments(e)[v, m]);
                    }
                }
            }
            live = Snapshot(engine, schema, 2);
            Assert.Equal(expected.Count(o => o == RejectionCode.None) > 0, log.EventCount > 0);
        }

        await using (var log = EventLogs.Create(LogDir, Durability.Flush))
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(shards)))
        {
            Assert.True(engine.CheckpointPosition > 0);
            Assert.True(engine.Counters.Replayed > 0);
            Assert.Equal(live, Snapshot(engine, schema, 2));
            await engine.RebuildAsync();
            Assert.Equal(live, Snapshot(engine, schema, 2));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_corrupted_last_block_is_cut_by_the_log_and_the_engine_equals_the_sums_without_it(bool checkpointAfterLastBlock)
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var schema = StandardSchema();
        var events = Generate(rng, schema, 6_000);
        var last = Enumerable.Range(0, 400).Select(i => TestEvent.Metric_(0, $"late-{i}", 2, 3, BaseMs, variant: (short)(i % 3))).ToList();
        Dictionary<(int, int, int), Stats.VariantMoments> withoutLast;
        long before, after;
        await using (var log = EventLogs.Create(LogDir, Durability.Flush))
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(2)))
        {
            await IngestInBatchesAsync(engine, events, rng);
            await engine.CheckpointAsync();
            withoutLast = Snapshot(engine, schema, 2);
            before = log.DurablePosition;
            Assert.All(await IngestAsync(engine, last), o => Assert.Equal(RejectionCode.None, o));
            after = log.DurablePosition;
            Assert.NotEqual(withoutLast, Snapshot(engine, schema, 2));
            if (checkpointAfterLastBlock)
            {
                await engine.CheckpointAsync();
                Assert.Equal(after, engine.CheckpointPosition);
            }
        }

        string segment = Directory.GetFiles(LogDir, "seg-*.xlog").Order(StringComparer.Ordinal).Last();
        long segmentStart = after - new FileInfo(segment).Length;
        using (var f = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = (before + after) / 2 - segmentStart;
            int b = f.ReadByte();
            f.Position--;
            f.WriteByte((byte)(b ^ 0x5A));
        }

        await using (var log = ColumnLog.Open(LogDir, Durability.Flush))
        {
            Assert.Equal(after - before, log.TruncatedBytesOnOpen);
            Assert.Equal(before, log.DurablePosition);
            await using var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(2));
            Assert.Equal(withoutLast, Snapshot(engine, schema, 2));
            await engine.RebuildAsync();
            Assert.Equal(withoutLast, Snapshot(engine, schema, 2));

            // The cut events can be sent again and count once.
            Assert.All(await IngestAsync(engine, last), o => Assert.Equal(RejectionCode.None, o));
            Assert.Equal(400 + withoutLast[(0, 0, -1)].N + withoutLast[(0, 1, -1)].N + withoutLast[(0, 2, -1)].N, engine.GetMoments(0).TotalUnits);
        }
    }

    [Fact]
    public async Task A_graceful_close_checkpoints_so_reopen_replays_nothing()
    {
        var schema = StandardSchema();
        var rng = new Random(7);
        var events = Generate(rng, schema, 3_000);
        Dictionary<(int, int, int), Stats.VariantMoments> live;
        await using (var log = EventLogs.Create(LogDir, Durability.Flush))
        {
            await using var engine = await IngestEngine.OpenAsync(log, () => schema, Options(2, StateDir));
            await IngestInBatchesAsync(engine, events, rng);
            live = Snapshot(engine, schema, 2);
        }
        await using (var log = EventLogs.Create(LogDir, Durability.Flush))
        {
            await using var engine = await IngestEngine.OpenAsync(log, () => schema, Options(2, StateDir));
            Assert.Equal(0, engine.Counters.Replayed);
            Assert.Equal(log.DurablePosition, engine.CheckpointPosition);
            Assert.Equal(live, Snapshot(engine, schema, 2));
        }
        Assert.True(Directory.GetFiles(Path.Combine(StateDir, "checkpoints"), "ckpt-*.bin").Length <= 2);
    }
}
