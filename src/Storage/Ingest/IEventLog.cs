namespace Expothesis.Fast.Storage.Ingest;

/// <summary>
/// The write-ahead log and event archive as the ingestion engine sees it. The column log implements
/// it on disk; <c>Durability.None</c> may use an in-memory one. Positions are byte offsets over the
/// whole log, monotonically increasing; a position always falls on a block boundary.
/// </summary>
public interface IEventLog : IAsyncDisposable
{
    /// <summary>
    /// Appends all records of <paramref name="batch"/> (the events that counted, in apply order).
    /// Concurrent calls are grouped into one block per commit group, kept in call order. Completes
    /// when the records are durable under the configured durability, with the log position after them.
    /// The batch may be reused once this returns.
    /// </summary>
    ValueTask<long> AppendAsync(EventBatch batch, CancellationToken cancellationToken = default);

    /// <summary>The position after the last durable block.</summary>
    long DurablePosition { get; }

    /// <summary>
    /// Reads every block from <paramref name="fromPosition"/> (a block boundary) to the durable end, in
    /// order, calling <paramref name="onBlock"/> with the decoded records and the position after that block.
    /// The batch passed is reused between calls.
    /// </summary>
    void Replay(long fromPosition, Action<EventBatch, long> onBlock);
}
