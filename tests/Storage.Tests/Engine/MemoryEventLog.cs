using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Engine;

/// <summary>
/// A simple in-memory <see cref="IEventLog"/> test double: every append is one block, durable at once.
/// Positions advance by 64 bytes per record. <see cref="DropLastBlock"/> simulates a torn tail.
/// </summary>
internal sealed class MemoryEventLog : IEventLog
{
    private readonly List<(EventRecord[] Records, byte[] Arena, long End)> _blocks = [];
    private readonly Lock _lock = new();

    public long DurablePosition { get; private set; }

    public int Blocks
    {
        get
        {
            lock (_lock)
            {
                return _blocks.Count;
            }
        }
    }

    public long RecordCount
    {
        get
        {
            lock (_lock)
            {
                long n = 0;
                foreach (var b in _blocks)
                {
                    n += b.Records.Length;
                }
                return n;
            }
        }
    }

    public ValueTask<long> AppendAsync(EventBatch batch, CancellationToken cancellationToken = default)
    {
        var records = batch.Records.ToArray();
        var arena = batch.Arena.ToArray();
        lock (_lock)
        {
            DurablePosition += 64L * records.Length;
            _blocks.Add((records, arena, DurablePosition));
            return new(DurablePosition);
        }
    }

    public void Replay(long fromPosition, Action<EventBatch, long> onBlock)
    {
        List<(EventRecord[] Records, byte[] Arena, long End)> blocks;
        lock (_lock)
        {
            blocks = [.. _blocks];
        }
        using var batch = new EventBatch();
        foreach (var (records, arena, end) in blocks)
        {
            if (end <= fromPosition)
            {
                continue;
            }
            batch.Clear();
            batch.AppendBytes(arena);
            foreach (var r in records)
            {
                batch.Add() = r;
            }
            onBlock(batch, end);
        }
    }

    public IEnumerable<EventRecord> AllRecords()
    {
        lock (_lock)
        {
            return _blocks.SelectMany(b => b.Records).ToList();
        }
    }

    public void DropLastBlock()
    {
        lock (_lock)
        {
            _blocks.RemoveAt(_blocks.Count - 1);
            DurablePosition = _blocks.Count == 0 ? 0 : _blocks[^1].End;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
