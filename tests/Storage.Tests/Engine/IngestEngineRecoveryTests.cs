using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;
using Xunit.Abstractions;
using static Expothesis.Fast.Storage.Tests.Engine.EngineTestData;

namespace Expothesis.Fast.Storage.Tests.Engine;

public sealed class IngestEngineRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = TempDir();

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

    private IngestEngineOptions CrashingOptions(int shards, int storeMemoryBits = 22)
    {
        var o = Options(shards, _dir);
        o.CheckpointOnDispose = false;
        o.StoreMemorySizeBits = storeMemoryBits;
        return o;
    }

    [Theory]
    [InlineData(1, 22)]
    [InlineData(2, 22)]
    [InlineData(2, 16)] // most unit state on disk
    public async Task Checkpoint_then_more_events_then_reopen_recovers_the_live_sums(int shards, int storeMemoryBits)
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var schema = StandardSchema();
        var events = Generate(rng, schema, 12_000);
        var log = new MemoryEventLog();
        Dictionary<(int, int, int), Stats.VariantMoments> live;
        long checkpointPosition;
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(shards, storeMemoryBits)))
        {
            await IngestInBatchesAsync(engine, events.Take(6_000).ToList(), rng);
            await engine.CheckpointAsync();
            checkpointPosition = engine.CheckpointPosition;
            Assert.True(checkpointPosition > 0);
            await IngestInBatchesAsync(engine, events.Skip(6_000).ToList(), rng);
            Assert.True(log.DurablePosition > checkpointPosition);
            live = Snapshot(engine, schema, 2);
        }

        // Reopen without a final checkpoint (as after a crash): newest checkpoint + log tail.
        await using (var reopened = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(shards, storeMemoryBits)))
        {
            Assert.Equal(checkpointPosition, reopened.CheckpointPosition);
            Assert.True(reopened.Counters.Replayed > 0);
            Assert.True(reopened.Counters.Replayed < log.RecordCount);
            Assert.Equal(live, Snapshot(reopened, schema, 2));
        }

        // And a rebuild of the same log agrees too.
        await using var fresh = await IngestEngine.OpenAsync(log, () => schema, Options(shards));
        Assert.Equal(log.RecordCount, fresh.Counters.Replayed);
        Assert.Equal(live, Snapshot(fresh, schema, 2));
    }

    [Theory]
    [InlineData(1, 22)]
    [InlineData(2, 16)] // most unit state and seen ids on disk
    public async Task Checkpoints_taken_while_batches_keep_coming_recover_the_live_sums(int shards, int storeMemoryBits)
    {
        // A checkpoint holds batches back only for its cut; its flush, file and pruning overlap the next batches.
        // Whatever checkpoint the reopen finds, state + tail replay must equal the live sums and dedup.
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var schema = StandardSchema();
        var events = Generate(rng, schema, 16_000);
        var log = new MemoryEventLog();
        var options = CrashingOptions(shards, storeMemoryBits);
        options.SeenMemorySizeBits = storeMemoryBits;
        Dictionary<(int, int, int), Stats.VariantMoments> live;
        RejectionCode[] outcomes;
        int checkpoints = 0;
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, options))
        {
            var head = await IngestInBatchesAsync(engine, events.Take(2_000).ToList(), rng, maxBatch: 100);
            using var stop = new CancellationTokenSource();
            var checkpointing = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await engine.CheckpointAsync();
                    Interlocked.Increment(ref checkpoints);
                }
            });
            var tail = await IngestInBatchesAsync(engine, events.Skip(2_000).ToList(), rng, maxBatch: 100);
            outcomes = [.. head, .. tail];
            await stop.CancelAsync();
            await checkpointing;
            live = Snapshot(engine, schema, 2);
        }
        output.WriteLine($"{checkpoints} checkpoints during the ingestion");
        Assert.True(checkpoints >= 1);

        await using (var reopened = await IngestEngine.OpenAsync(log, () => schema, options))
        {
            Assert.True(reopened.CheckpointPosition > 0);
            Assert.Equal(live, Snapshot(reopened, schema, 2));
            // Retries after the reopen count nothing twice: the event ids of everything that changed state are
            // known, from the checkpoint or from the replayed tail (an accepted no-op, such as a second exposure,
            // keeps no marker and stays a no-op).
            var accepted = events.Where((e, i) => e.EventId is not null && outcomes[i] == RejectionCode.None).ToList();
            var again = await IngestInBatchesAsync(reopened, accepted, rng);
            Assert.Contains(RejectionCode.Duplicate, again);
            Assert.All(again, o => Assert.True(o is RejectionCode.Duplicate or RejectionCode.None, o.ToString()));
            Assert.Equal(live, Snapshot(reopened, schema, 2));
        }
    }

    [Fact]
    public async Task Event_id_dedup_is_exactly_once_across_reopen()
    {
        var schema = StandardSchema();
        var log = new MemoryEventLog();
        var first = new List<TestEvent>
        {
            TestEvent.Exposure(0, "alice", 1, BaseMs, "x-1"),
            TestEvent.Metric_(0, "alice", 1, 1, BaseMs + 1, eventId: "m-1"),
            TestEvent.Metric_(0, "alice", 2, 5, BaseMs + 2, eventId: "m-2"),
        };
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(2)))
        {
            Assert.All(await IngestAsync(engine, first), o => Assert.Equal(RejectionCode.None, o));
            await engine.CheckpointAsync();
            Assert.All(await IngestAsync(engine, [TestEvent.Metric_(0, "alice", 2, 7, BaseMs + 3, eventId: "m-3")]), o => Assert.Equal(RejectionCode.None, o));
        }
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(2)))
        {
            var retry = first.Append(TestEvent.Metric_(0, "alice", 2, 7, BaseMs + 3, eventId: "m-3")).ToList();
            Assert.All(await IngestAsync(engine, retry), o => Assert.Equal(RejectionCode.Duplicate, o));
            var m = engine.GetMoments(0);
            Assert.Equal(new Stats.VariantMoments(1, 1, 1), m[1, 1]);
            Assert.Equal(new Stats.VariantMoments(1, 12, 144), m[1, 2]);
            Assert.Equal(1, m.TotalUnits);
        }
    }

    [Fact]
    public async Task Stored_assignments_survive_reopen_from_the_checkpoint_and_from_the_log()
    {
        var schema = StandardSchema();
        var log = new MemoryEventLog();
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(2)))
        {
            engine.Record(0, UnitHash.Compute("bob"), "bob"u8, 2, expose: false, store: true, BaseMs);
            Assert.True(engine.TryGetStoredVariant(0, UnitHash.Compute("bob"), out int v));
            Assert.Equal(2, v);
            engine.Record(0, UnitHash.Compute("bob"), "bob"u8, 1, expose: false, store: true, BaseMs);
            Assert.True(engine.TryGetStoredVariant(0, UnitHash.Compute("bob"), out v));
            Assert.Equal(2, v);
            await engine.FlushAssignmentsAsync();
            await engine.CheckpointAsync();
            engine.Record(1, UnitHash.Compute("carol"), "carol"u8, 1, expose: true, store: true, BaseMs);
            await engine.FlushAssignmentsAsync();
            Assert.Equal(1, engine.GetMoments(1).Units(1));
        }
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, CrashingOptions(2)))
        {
            Assert.True(engine.TryGetStoredVariant(0, UnitHash.Compute("bob"), out int v));
            Assert.Equal(2, v);
            Assert.True(engine.TryGetStoredVariant(1, UnitHash.Compute("carol"), out v));
            Assert.Equal(1, v);
            Assert.False(engine.TryGetStoredVariant(1, UnitHash.Compute("bob"), out _));
            Assert.Equal(1, engine.GetMoments(1).Units(1));
            // An exposure event without a variant uses the stored assignment; a contradicting one is a mismatch.
            var outcomes = await IngestAsync(engine,
            [
                TestEvent.Exposure(0, "bob", EventRecord.NoVariant, BaseMs + 5),
                TestEvent.Exposure(0, "bob", 0, BaseMs + 6),
            ]);
            Assert.Equal([RejectionCode.None, RejectionCode.VariantMismatch], outcomes);
            Assert.Equal(1, engine.GetMoments(0).Units(2));
        }
        await using var rebuilt = await IngestEngine.OpenAsync(log, () => schema, Options(1));
        Assert.True(rebuilt.TryGetStoredVariant(0, UnitHash.Compute("bob"), out int r));
        Assert.Equal(2, r);
        Assert.Equal(1, rebuilt.GetMoments(0).Units(2));
    }
}
