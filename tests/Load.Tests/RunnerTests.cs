using System.Collections.Concurrent;
using System.Diagnostics;
using Expothesis.Fast.Load.Measurement;

namespace Expothesis.Fast.Load.Tests;

public sealed class RunnerTests
{
    private static readonly SendRequest s_instant = (_, _) => ValueTask.FromResult(new RequestOutcome(200, 1, 0, null));

    [Fact]
    public async Task Open_model_sends_at_the_configured_rate()
    {
        var stats = new OperationStats("test");
        var window = RunWindow.StartingNow(TimeSpan.Zero, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(2));
        await OpenModelRunner.RunAsync(400, 64, window, s_instant, stats, new RequestBudget(null), CancellationToken.None);

        // 400/s for 1.5 s = 600 requests; the schedule is computed from the clock, so a loaded machine delays sends
        // (which shows as latency) but does not change their number.
        Assert.InRange(stats.Ok, 540, 660);
        Assert.Equal(0, stats.Failed);
        Assert.Equal(0, stats.InFlight);
    }

    [Fact]
    public async Task Open_model_intends_requests_evenly_spaced_from_the_start()
    {
        var sent = new ConcurrentBag<long>();
        var stats = new OperationStats("test");
        var window = RunWindow.StartingNow(TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        await OpenModelRunner.RunAsync(200, 64, window, (seq, _) =>
        {
            sent.Add(seq);
            return ValueTask.FromResult(new RequestOutcome(200, 1, 0, null));
        }, stats, new RequestBudget(null), CancellationToken.None);

        // Request i is intended at Start + i/200 s; exactly the 200 intended before the end of the 1 s window are
        // sent, however late the dispatcher runs on a loaded machine.
        var sequence = sent.Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), sequence);
    }

    [Fact]
    public async Task Open_model_sends_every_request_due_before_the_window_end_when_the_dispatcher_wakes_late()
    {
        // The send of request 190 (intended at 0.95 s) holds the dispatcher thread for 200 ms, as a descheduled
        // thread on a busy machine would: it wakes after the window's end, and requests 191-199, due before the
        // end, must still be sent (and measured from their intended times), not silently dropped.
        var sent = new ConcurrentBag<long>();
        var stats = new OperationStats("test");
        var window = RunWindow.StartingNow(TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        await OpenModelRunner.RunAsync(200, 64, window, (seq, _) =>
        {
            sent.Add(seq);
            if (seq == 190)
            {
                Thread.Sleep(200);
            }
            return ValueTask.FromResult(new RequestOutcome(200, 1, 0, null));
        }, stats, new RequestBudget(null), CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), sent.Order());
        Assert.Equal(200, stats.CompletedTotal);
    }

    [Fact]
    public async Task Open_model_latency_includes_queueing_behind_slow_requests()
    {
        // One request in flight at a time, each taking 20 ms, intended every 5 ms: the server "keeps up" with
        // 50/s only, so latency measured from the intended time must grow far beyond the 20 ms service time.
        var stats = new OperationStats("test");
        var window = RunWindow.StartingNow(TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        await OpenModelRunner.RunAsync(200, 1, window, async (_, ct) =>
        {
            await Task.Delay(20, ct);
            return new RequestOutcome(200, 1, 0, null);
        }, stats, new RequestBudget(null), CancellationToken.None);

        Assert.True(stats.Latency.Max > 300_000_000, $"max latency {stats.Latency.Max / 1e6} ms should include queueing");
    }

    [Fact]
    public async Task Warm_up_requests_are_not_measured()
    {
        var stats = new OperationStats("test");
        var window = RunWindow.StartingNow(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2));
        await OpenModelRunner.RunAsync(200, 64, window, s_instant, stats, new RequestBudget(null), CancellationToken.None);

        Assert.Equal(200, stats.CompletedTotal);
        Assert.Equal(100, stats.Ok);
        Assert.Equal(stats.Ok, stats.Latency.Count);
    }

    [Fact]
    public async Task A_request_budget_stops_both_models_after_exactly_that_many_requests()
    {
        var open = new OperationStats("open");
        await OpenModelRunner.RunAsync(2000, 64, RunWindow.StartingNow(TimeSpan.Zero, null, TimeSpan.FromSeconds(2)), s_instant, open,
            new RequestBudget(123), CancellationToken.None);
        Assert.Equal(123, open.Ok);

        var closed = new OperationStats("closed");
        await ClosedModelRunner.RunAsync(4, RunWindow.StartingNow(TimeSpan.Zero, null, TimeSpan.FromSeconds(2)), s_instant, closed,
            new RequestBudget(1000), CancellationToken.None);
        Assert.Equal(1000, closed.Ok);
    }

    [Fact]
    public async Task Closed_model_keeps_at_most_n_requests_in_flight()
    {
        var inFlight = 0;
        var peak = 0;
        var stats = new OperationStats("test");
        await ClosedModelRunner.RunAsync(3, RunWindow.StartingNow(TimeSpan.Zero, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2)), async (_, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            await Task.Delay(2, ct);
            Interlocked.Decrement(ref inFlight);
            return new RequestOutcome(200, 1, 0, null);
        }, stats, new RequestBudget(null), CancellationToken.None);

        Assert.InRange(peak, 1, 3);
        Assert.True(stats.Ok > 10);
    }

    [Fact]
    public async Task Failures_are_counted_by_status_code_and_by_exception_class()
    {
        var stats = new OperationStats("test");
        await ClosedModelRunner.RunAsync(1, RunWindow.StartingNow(TimeSpan.Zero, null, TimeSpan.FromSeconds(2)), (seq, _) => seq switch
        {
            0 => ValueTask.FromResult(new RequestOutcome(503, 0, 0, null)),
            1 => throw new HttpRequestException("refused"),
            _ => ValueTask.FromResult(new RequestOutcome(200, 500, 0, null)),
        }, stats, new RequestBudget(4), CancellationToken.None);

        Assert.Equal(2, stats.Ok);
        Assert.Equal(1000, stats.Accepted);
        Assert.Equal(1, stats.Errors["503"]);
        Assert.Equal(1, stats.Errors["connection"]);
    }

    [Fact]
    public void Cpu_time_is_read_from_proc_stat_fields_even_with_spaces_in_the_name()
    {
        const string stat = "1234 (my (odd) server) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 8 0 100 0 0";
        var parsed = ProcessCpu.ParseStat(stat);
        Assert.NotNull(parsed);
        Assert.Equal(1, parsed.Value.ParentPid);
        Assert.Equal(250 + 50 + 7 + 3, parsed.Value.CpuTicks);
    }

    [Fact]
    public void Cpu_time_of_this_process_is_positive_and_grows()
    {
        var pid = Environment.ProcessId;
        var before = ProcessCpu.ReadTreeSeconds(pid);
        Assert.NotNull(before);
        var sw = Stopwatch.StartNew();
        var x = 0.0;
        while (sw.ElapsedMilliseconds < 100)
        {
            x += Math.Sqrt(x + 1);
        }

        Assert.True(x > 0);
        Assert.True(ProcessCpu.ReadTreeSeconds(pid) >= before);
        Assert.Null(ProcessCpu.ReadTreeSeconds(int.MaxValue));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
