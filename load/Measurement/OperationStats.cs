using System.Collections.Concurrent;
using System.Diagnostics;
using Expothesis.Fast.Load.Histogram;

namespace Expothesis.Fast.Load.Measurement;

/// <summary>What one request produced: an HTTP status (0 when none) and, for batches, the event counts.</summary>
/// <param name="StatusCode">HTTP status, or 0 when the request failed before a response.</param>
/// <param name="Accepted">Events the server accepted (ingest), or 1 per successful non-batch request.</param>
/// <param name="Rejected">Events the server rejected (ingest).</param>
/// <param name="Error">Short failure class when there is no status: timeout, connection, cancelled.</param>
internal readonly record struct RequestOutcome(int StatusCode, long Accepted, long Rejected, string? Error)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public static RequestOutcome Failed(string error) => new(0, 0, 0, error);
}

/// <summary>
/// Counters and the latency histogram of one request type. Only requests whose intended send time falls in the
/// measured window are recorded; everything else (warm-up) only shows in the live counters.
/// </summary>
internal sealed class OperationStats(string name, bool countsEvents = false)
{
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _measureFrom = long.MaxValue;
    private long _lastCompletion;
    private long _ok;
    private long _failed;
    private long _accepted;
    private long _rejected;
    private long _completedTotal;
    private long _inFlight;
    private string? _firstError;

    public string Name { get; } = name;

    /// <summary>True when requests carry event batches (accepted counts are events, not requests).</summary>
    public bool CountsEvents { get; } = countsEvents;

    /// <summary>Latency in nanoseconds from the intended send time to the end of the response.</summary>
    public LatencyHistogram Latency { get; } = new();

    public long Ok => Volatile.Read(ref _ok);

    public long Failed => Volatile.Read(ref _failed);

    public long Accepted => Volatile.Read(ref _accepted);

    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Completed requests including warm-up (for the live display).</summary>
    public long CompletedTotal => Volatile.Read(ref _completedTotal);

    public long InFlight => Volatile.Read(ref _inFlight);

    public long MeasureFrom => Volatile.Read(ref _measureFrom);

    /// <summary>Stopwatch timestamp of the last measured completion.</summary>
    public long LastCompletion => Volatile.Read(ref _lastCompletion);

    public IReadOnlyDictionary<string, long> Errors => _errors;

    /// <summary>The body or message of the first failed or partly rejected request, for diagnosis.</summary>
    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>Requests intended at or after <paramref name="timestamp"/> are measured.</summary>
    public void MeasureFromTimestamp(long timestamp) => Volatile.Write(ref _measureFrom, timestamp);

    public void Started() => Interlocked.Increment(ref _inFlight);

    /// <summary>Records a finished request.</summary>
    public void Completed(long intendedTimestamp, long completedTimestamp, in RequestOutcome outcome)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _completedTotal);
        if (intendedTimestamp < Volatile.Read(ref _measureFrom))
        {
            return;
        }

        Latency.Record(ToNanoseconds(completedTimestamp - intendedTimestamp));
        var last = Volatile.Read(ref _lastCompletion);
        while (completedTimestamp > last)
        {
            var seen = Interlocked.CompareExchange(ref _lastCompletion, completedTimestamp, last);
            if (seen == last)
            {
                break;
            }

            last = seen;
        }

        if (outcome.IsSuccess)
        {
            Interlocked.Increment(ref _ok);
            Interlocked.Add(ref _accepted, outcome.Accepted);
            Interlocked.Add(ref _rejected, outcome.Rejected);
        }
        else
        {
            Interlocked.Increment(ref _failed);
            var key = outcome.StatusCode != 0
                ? outcome.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : outcome.Error ?? "error";
            _errors.AddOrUpdate(key, 1, static (_, v) => v + 1);
        }
    }

    /// <summary>Keeps the first diagnostic message only.</summary>
    public void NoteError(string message) => Interlocked.CompareExchange(ref _firstError, message, null);

    public static long ToNanoseconds(long stopwatchTicks) =>
        Stopwatch.Frequency == 1_000_000_000 ? stopwatchTicks : (long)(stopwatchTicks * (1e9 / Stopwatch.Frequency));
}
