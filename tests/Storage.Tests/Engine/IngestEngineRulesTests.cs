using Expothesis.Fast.Assignment;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;
using static Expothesis.Fast.Storage.Tests.Engine.EngineTestData;

namespace Expothesis.Fast.Storage.Tests.Engine;

public sealed class IngestEngineRulesTests
{
    [Fact]
    public async Task Draft_experiment_rejects_everything_as_not_running_and_logs_nothing()
    {
        var schema = StandardSchema();
        schema.SetStatus(0, ExperimentStatus.Draft);
        var log = new MemoryEventLog();
        await using var engine = await IngestEngine.OpenAsync(log, () => schema, Options(2));
        var outcomes = await IngestAsync(engine, [TestEvent.Exposure(0, "a", 0, BaseMs), TestEvent.Metric_(0, "a", 1, 1, BaseMs, 0)]);
        Assert.All(outcomes, o => Assert.Equal(RejectionCode.ExperimentNotRunning, o));
        Assert.Equal(0, log.RecordCount);
        Assert.Equal(0, engine.GetMoments(0).TotalUnits);
    }

    [Fact]
    public async Task Paused_experiment_counts_exposed_units_but_takes_no_new_exposures()
    {
        var schema = StandardSchema();
        var log = new MemoryEventLog();
        await using var engine = await IngestEngine.OpenAsync(log, () => schema, Options(2));
        await IngestAsync(engine, [TestEvent.Exposure(0, "a", 1, BaseMs)]);
        schema.SetStatus(0, ExperimentStatus.Paused);
        var outcomes = await IngestAsync(engine,
        [
            TestEvent.Metric_(0, "a", 1, 1, BaseMs + 1),
            TestEvent.Exposure(0, "a", 1, BaseMs + 2),
            TestEvent.Exposure(0, "b", 0, BaseMs + 3),
            TestEvent.Metric_(0, "c", 1, 1, BaseMs + 4, variant: 0),
        ]);
        Assert.Equal([RejectionCode.None, RejectionCode.None, RejectionCode.ExperimentNotRunning, RejectionCode.ExperimentNotRunning], outcomes);
        var m = engine.GetMoments(0);
        Assert.Equal(1, m.TotalUnits);
        Assert.Equal(new VariantMoments(1, 1, 1), m[1, 1]);
        Assert.Equal(2, log.RecordCount);
    }

    [Fact]
    public async Task Stopped_experiment_rejects_events_and_replay_still_applies_what_was_logged()
    {
        var schema = StandardSchema();
        var log = new MemoryEventLog();
        await using (var engine = await IngestEngine.OpenAsync(log, () => schema, Options(2)))
        {
            await IngestAsync(engine, [TestEvent.Exposure(0, "a", 1, BaseMs), TestEvent.Metric_(0, "a", 2, 2.5, BaseMs)]);
            schema.SetStatus(0, ExperimentStatus.Stopped);
            var outcomes = await IngestAsync(engine, [TestEvent.Metric_(0, "a", 2, 1, BaseMs + 1), TestEvent.Exposure(0, "b", 0, BaseMs)]);
            Assert.All(outcomes, o => Assert.Equal(RejectionCode.ExperimentStopped, o));
        }
        await using var reopened = await IngestEngine.OpenAsync(log, () => schema, Options(3));
        Assert.Equal(new VariantMoments(1, 2.5, 6.25), reopened.GetMoments(0)[1, 2]);
    }

    [Fact]
    public async Task Exposure_rules_follow_the_design()
    {
        var schema = StandardSchema();
        var log = new MemoryEventLog();
        await using var engine = await IngestEngine.OpenAsync(log, () => schema, Options(1));
        var outcomes = await IngestAsync(engine,
        [
            TestEvent.Metric_(0, "a", 1, 1, BaseMs),                 // not exposed, no variant
            TestEvent.Metric_(0, "a", 1, 1, BaseMs, variant: 2),     // exposes with variant 2, counts
            TestEvent.Metric_(0, "a", 1, 1, BaseMs, variant: 1),     // contradicts
            TestEvent.Exposure(0, "a", 2, BaseMs),                   // repeat: accepted, not logged
            TestEvent.Exposure(0, "b", EventRecord.NoVariant, BaseMs), // nothing to expose with
            TestEvent.Metric_(0, "a", 0, 9, BaseMs),                 // binary: value ignored
            TestEvent.Metric_(0, "a", 0, 9, BaseMs),
        ]);
        Assert.Equal(
            [RejectionCode.NotExposed, RejectionCode.None, RejectionCode.VariantMismatch, RejectionCode.None, RejectionCode.NotExposed, RejectionCode.None, RejectionCode.None],
            outcomes);
        var m = engine.GetMoments(0);
        Assert.Equal(new VariantMoments(1, 1, 1), m[2, 1]);
        Assert.Equal(new VariantMoments(1, 1, 1), m[2, 0]);
        Assert.Equal(new VariantMoments(1, 0, 0), m[2, 3]);
        Assert.Equal(3, log.RecordCount);
    }

    [Fact]
    public async Task Full_queue_answers_queue_full_and_applies_nothing()
    {
        var schema = StandardSchema();
        var log = new MemoryEventLog();
        var options = Options(1);
        options.QueueCapacity = 1;
        var gate = new BlockingLog(log);
        await using var blocked = await IngestEngine.OpenAsync(gate, () => schema, options);
        using var first = ToBatch([TestEvent.Exposure(0, "a", 0, BaseMs)]);
        var pending = blocked.IngestAsync(first, new RejectionCode[1]);
        using var second = ToBatch([TestEvent.Exposure(0, "b", 0, BaseMs)]);
        var outcomes = new RejectionCode[1];
        var result = await blocked.IngestAsync(second, outcomes);
        Assert.Equal(IngestStatus.QueueFull, result.Status);
        Assert.Equal(1, blocked.Counters.QueueFull);
        gate.Release();
        Assert.Equal(IngestStatus.Completed, (await pending).Status);
        Assert.Equal(1, blocked.GetMoments(0).TotalUnits);
    }

    [Fact]
    public async Task A_caller_giving_up_after_apply_does_not_stop_the_append_or_fault_the_engine()
    {
        var schema = StandardSchema();
        var log = new MemoryEventLog();
        var gate = new BlockingLog(log);
        await using var engine = await IngestEngine.OpenAsync(gate, () => schema, Options(2));
        using var cts = new CancellationTokenSource();
        using var first = ToBatch([TestEvent.Exposure(0, "a", 0, BaseMs)]);
        var pending = engine.IngestAsync(first, new RejectionCode[1], cts.Token);
        cts.Cancel();
        gate.Release();
        Assert.Equal(IngestStatus.Completed, (await pending).Status);
        Assert.Equal(1, log.RecordCount);
        Assert.All(await IngestAsync(engine, [TestEvent.Metric_(0, "a", 1, 1, BaseMs)]), o => Assert.Equal(RejectionCode.None, o));
    }

    private sealed class BlockingLog(MemoryEventLog inner) : IEventLog
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long DurablePosition => inner.DurablePosition;

        public void Release() => _release.TrySetResult();

        public async ValueTask<long> AppendAsync(EventBatch batch, CancellationToken cancellationToken = default)
        {
            long pos = await inner.AppendAsync(batch, cancellationToken);
            await _release.Task.WaitAsync(cancellationToken);
            return pos;
        }

        public void Replay(long fromPosition, Action<EventBatch, long> onBlock) => inner.Replay(fromPosition, onBlock);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
