using System.Diagnostics;

namespace Expothesis.Fast.Load.Measurement;

/// <summary>Sends request number <paramref name="sequence"/> and reports what happened.</summary>
internal delegate ValueTask<RequestOutcome> SendRequest(long sequence, CancellationToken ct);

/// <summary>A shared cap on the number of requests (e.g. "stop after N events"); unlimited when null.</summary>
internal sealed class RequestBudget(long? maxRequests)
{
    private long _remaining = maxRequests ?? long.MaxValue;

    public bool IsLimited { get; } = maxRequests is not null;

    public bool TryTake() => Interlocked.Decrement(ref _remaining) >= 0;

    public bool IsExhausted => Volatile.Read(ref _remaining) <= 0;
}

/// <summary>When a run starts, when it starts measuring, and when it stops sending (Stopwatch timestamps).</summary>
/// <param name="Start">First intended send time.</param>
/// <param name="MeasureFrom">Requests intended from here on are measured (end of warm-up).</param>
/// <param name="End">No request is intended at or after this time.</param>
/// <param name="Drain">How long to wait for requests still in flight after <paramref name="End"/>.</param>
internal readonly record struct RunWindow(long Start, long MeasureFrom, long End, TimeSpan Drain)
{
    /// <summary>A window starting now: warm-up then duration (duration null = until the budget runs out).</summary>
    public static RunWindow StartingNow(TimeSpan warmup, TimeSpan? duration, TimeSpan drain)
    {
        var now = Stopwatch.GetTimestamp();
        var from = now + ToTicks(warmup);
        var end = duration is { } d ? from + ToTicks(d) : long.MaxValue;
        return new RunWindow(now, from, end, drain);
    }

    public static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

/// <summary>
/// Open model: requests are intended at a constant rate (request i at Start + i/rate) whatever the server does,
/// and latency is measured from the intended time, so queueing in the server or in the client counts
/// (no coordinated omission). At most MaxInFlight requests are outstanding; the rest wait with their clock running.
/// </summary>
internal static class OpenModelRunner
{
    public static Task RunAsync(double rate, int maxInFlight, RunWindow window, SendRequest send, OperationStats stats,
        RequestBudget budget, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxInFlight);
        stats.MeasureFromTimestamp(window.MeasureFrom);
        return Task.Factory.StartNew(
            () => DispatchAsync(rate, maxInFlight, window, send, stats, budget, ct),
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private static async Task DispatchAsync(double rate, int maxInFlight, RunWindow window, SendRequest send,
        OperationStats stats, RequestBudget budget, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(maxInFlight, maxInFlight);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var sleepThreshold = Stopwatch.Frequency * 12 / 10_000; // 1.2 ms: Thread.Sleep(1) takes about 1.06 ms on Linux
        long issued = 0;
        var exhausted = false;
        while (!exhausted && !ct.IsCancellationRequested)
        {
            // Every request intended before the window's end is sent, even when this thread wakes after the end
            // (a descheduled dispatcher on a busy machine): dropping them would bias the measurement towards
            // the moments when the client kept up. Each is measured from its intended time.
            var now = Stopwatch.GetTimestamp();
            long intended;
            while ((intended = window.Start + (long)(issued * ticksPerRequest)) <= now && intended < window.End)
            {
                if (!budget.TryTake())
                {
                    exhausted = true;
                    break;
                }

                stats.Started();
                _ = ExecuteAsync(issued, intended, gate, send, stats, abort.Token);
                issued++;
            }

            var next = window.Start + (long)(issued * ticksPerRequest);
            if (next >= window.End)
            {
                break;
            }

            var wait = next - Stopwatch.GetTimestamp();
            if (wait > sleepThreshold)
            {
                Thread.Sleep(1);
            }
            else if (wait > 0)
            {
                Thread.Yield();
            }
        }

        await DrainAsync(stats, window.Drain, abort).ConfigureAwait(false);
    }

    internal static async Task DrainAsync(OperationStats stats, TimeSpan drain, CancellationTokenSource abort)
    {
        var deadline = Stopwatch.GetTimestamp() + RunWindow.ToTicks(drain);
        while (stats.InFlight > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
        }

        if (stats.InFlight > 0)
        {
            await abort.CancelAsync().ConfigureAwait(false);
            var hard = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
            while (stats.InFlight > 0 && Stopwatch.GetTimestamp() < hard)
            {
                await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(long sequence, long intended, SemaphoreSlim gate, SendRequest send,
        OperationStats stats, CancellationToken ct)
    {
        RequestOutcome outcome;
        var entered = false;
        try
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            entered = true;
            outcome = await send(sequence, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            outcome = RequestOutcome.Failed("cancelled");
        }
        catch (HttpRequestException)
        {
            outcome = RequestOutcome.Failed("connection");
        }
        catch (IOException)
        {
            outcome = RequestOutcome.Failed("io");
        }
        finally
        {
            if (entered)
            {
                gate.Release();
            }
        }

        stats.Completed(intended, Stopwatch.GetTimestamp(), outcome);
    }
}

/// <summary>Closed model: N loops, each sending its next request when the previous one has completed.</summary>
internal static class ClosedModelRunner
{
    public static async Task RunAsync(int connections, RunWindow window, SendRequest send, OperationStats stats,
        RequestBudget budget, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        stats.MeasureFromTimestamp(window.MeasureFrom);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long sequence = -1;
        var loops = new Task[connections];
        for (var i = 0; i < connections; i++)
        {
            loops[i] = Task.Run(
                async () =>
                {
                    while (!abort.IsCancellationRequested && Stopwatch.GetTimestamp() < window.End && budget.TryTake())
                    {
                        var started = Stopwatch.GetTimestamp();
                        stats.Started();
                        RequestOutcome outcome;
                        try
                        {
                            outcome = await send(Interlocked.Increment(ref sequence), abort.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            outcome = RequestOutcome.Failed("cancelled");
                        }
                        catch (HttpRequestException)
                        {
                            outcome = RequestOutcome.Failed("connection");
                        }
                        catch (IOException)
                        {
                            outcome = RequestOutcome.Failed("io");
                        }

                        stats.Completed(started, Stopwatch.GetTimestamp(), outcome);
                    }
                },
                CancellationToken.None);
        }

        var all = Task.WhenAll(loops);
        if (window.End != long.MaxValue)
        {
            var remaining = window.End - Stopwatch.GetTimestamp() + RunWindow.ToTicks(window.Drain);
            var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(Math.Max(0, (double)remaining / Stopwatch.Frequency)), ct)).ConfigureAwait(false);
            if (finished != all)
            {
                await abort.CancelAsync().ConfigureAwait(false);
            }
        }

        await all.ConfigureAwait(false);
    }
}
