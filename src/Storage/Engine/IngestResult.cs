namespace Expothesis.Fast.Storage.Engine;

/// <summary>Whether a batch was taken.</summary>
public enum IngestStatus
{
    /// <summary>Every record was applied (or rejected) and the accepted ones are durable.</summary>
    Completed,
    /// <summary>The engine's queue is full; nothing of the batch was applied (HTTP 503).</summary>
    QueueFull,
}

/// <summary>The result of <see cref="IngestEngine.IngestAsync"/>.</summary>
/// <param name="Status">Completed or QueueFull.</param>
/// <param name="Accepted">Records accepted (including repeated exposures that change nothing).</param>
/// <param name="Rejected">Records rejected with a reason other than <c>Duplicate</c>.</param>
/// <param name="Duplicates">Records whose event id was seen before.</param>
/// <param name="LogPosition">The log position after this batch's records (or the durable end when none were logged).</param>
public readonly record struct IngestResult(IngestStatus Status, int Accepted, int Rejected, int Duplicates, long LogPosition);

/// <summary>Process-lifetime counters of an engine (for /metrics); reads are racy snapshots.</summary>
public sealed class IngestCounters
{
    internal long _accepted;
    internal long _rejected;
    internal long _duplicates;
    internal long _batches;
    internal long _checkpoints;
    internal long _queueFull;
    internal long _replayed;

    /// <summary>Records accepted.</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Records rejected (not counting duplicates).</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Duplicate records.</summary>
    public long Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Batches completed.</summary>
    public long Batches => Volatile.Read(ref _batches);

    /// <summary>Checkpoints written.</summary>
    public long Checkpoints => Volatile.Read(ref _checkpoints);

    /// <summary>Batches refused with <see cref="IngestStatus.QueueFull"/>.</summary>
    public long QueueFull => Volatile.Read(ref _queueFull);

    /// <summary>Log records replayed at start-up or rebuild.</summary>
    public long Replayed => Volatile.Read(ref _replayed);
}
