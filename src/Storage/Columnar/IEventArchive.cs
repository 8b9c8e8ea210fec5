using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Columnar;

/// <summary>Which events an archive scan returns.</summary>
/// <param name="Experiment">Only this experiment ordinal; null for all.</param>
/// <param name="FromMs">Only events at or after this Unix time in ms; null for no lower bound.</param>
/// <param name="ToMs">Only events before this Unix time in ms (exclusive); null for no upper bound.</param>
public readonly record struct EventScanFilter(int? Experiment, long? FromMs, long? ToMs)
{
    /// <summary>Every event.</summary>
    public static EventScanFilter All => default;

    /// <summary>True when <paramref name="record"/> passes the filter (stored sticky assignments never do).</summary>
    public bool Matches(in EventRecord record) =>
        record.Metric != ColumnLogFormat.StickyAssignmentMetric
        && (Experiment is not int e || record.Experiment == e)
        && (FromMs is not long from || record.TimestampMs >= from)
        && (ToMs is not long to || record.TimestampMs < to);
}

/// <summary>The event log read as an archive: its size and a streaming scan for export.</summary>
public interface IEventArchive
{
    /// <summary>Bytes the log takes (on disk, or in memory for the in-memory log).</summary>
    long SizeOnDiskBytes { get; }

    /// <summary>Durable events in the log (stored sticky assignments excluded).</summary>
    long EventCount { get; }

    /// <summary>Opens a cursor over the durable events that pass <paramref name="filter"/>, oldest first.</summary>
    EventLogCursor OpenCursor(EventScanFilter filter);
}

/// <summary>An event log that is also the event archive (what <see cref="EventLogs.Create"/> returns).</summary>
public interface IEventArchiveLog : IEventLog, IEventArchive
{
}

/// <summary>Constants of the column-log format that callers need.</summary>
public static class ColumnLogFormat
{
    /// <summary>
    /// The <see cref="EventRecord.Metric"/> the engine uses for a stored sticky assignment: kept in the
    /// log for replay, skipped by archive scans and not counted as an event.
    /// </summary>
    public const short StickyAssignmentMetric = -2;
}
