using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;
using Xunit.Abstractions;
using static Expothesis.Fast.Storage.Tests.Engine.EngineTestData;

namespace Expothesis.Fast.Storage.Tests.Engine;

public sealed class IngestEngineConcurrencyTests(ITestOutputHelper output) : IDisposable
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

    [Fact]
    public async Task Concurrent_batches_and_assignments_apply_in_log_order_so_recovery_and_rebuild_match_exactly()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var schema = StandardSchema();
        var options = Options(2, Path.Combine(_dir, "state"));
        options.CheckpointOnDispose = false;
        Dictionary<(int, int, int), Stats.VariantMoments> live;
        long accepted;
        await using (var log = EventLogs.Create(Path.Combine(_dir, "log"), Durability.Flush))
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, options))
        {
            var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
            {
                var rng = new Random(seed + p);
                var events = Generate(rng, schema, 4_000, unitsPerExperiment: 120);
                var outcomes = await IngestInBatchesAsync(engine, events, rng, maxBatch: 300);
                return outcomes.Count(o => o == RejectionCode.None);
            })).ToList();
            var assigner = Task.Run(async () =>
            {
                var rng = new Random(seed);
                for (int i = 0; i < 2_000; i++)
                {
                    string unit = $"u1-{rng.Next(120)}";
                    engine.Record(1, UnitHash.Compute(unit), System.Text.Encoding.UTF8.GetBytes(unit), rng.Next(2), expose: true, store: rng.Next(2) == 0, BaseMs + i);
                    if (i % 500 == 0)
                    {
                        await engine.CheckpointAsync();
                    }
                }
                await engine.FlushAssignmentsAsync();
            });
            accepted = (await Task.WhenAll(producers)).Sum();
            await assigner;
            live = Snapshot(engine, schema, 2);
            Assert.True(engine.Counters.Checkpoints >= 1);
            Assert.True(accepted > 0);
        }

        await using (var log = EventLogs.Create(Path.Combine(_dir, "log"), Durability.Flush))
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, options))
        {
            Assert.Equal(live, Snapshot(engine, schema, 2));
            await engine.RebuildAsync();
            Assert.Equal(live, Snapshot(engine, schema, 2));
        }
    }

    [Fact]
    public async Task The_checkpoint_timer_cuts_checkpoints_while_batches_flow()
    {
        var schema = StandardSchema();
        var options = Options(2, Path.Combine(_dir, "state"));
        options.CheckpointInterval = TimeSpan.FromMilliseconds(50);
        var log = new MemoryEventLog();
        await using var engine = await IngestEngine.OpenAsync(log, () => schema, options);
        await IngestAsync(engine, [TestEvent.Exposure(0, "first", 1, BaseMs)]);
        long before = engine.Counters.Checkpoints;
        for (int i = 0; i < 1_000 && engine.Counters.Checkpoints < before + 2; i++)
        {
            await IngestAsync(engine, [TestEvent.Metric_(0, "first", 1, 1, BaseMs + i)]);
            await Task.Delay(10);
        }
        Assert.True(engine.Counters.Checkpoints >= before + 2);
        Assert.True(engine.CheckpointPosition > 0);
        await engine.DisposeAsync(); // stops the timer; pruning keeps two
        Assert.True(Directory.GetFiles(Path.Combine(_dir, "state", "checkpoints"), "ckpt-*.bin").Length <= 2);
    }
}
