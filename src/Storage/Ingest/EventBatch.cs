using System.Buffers;
using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Storage.Ingest;

/// <summary>
/// A batch of <see cref="EventRecord"/>s and the byte arena their unit ids and event ids point into.
/// Both buffers are rented from <see cref="ArrayPool{T}.Shared"/>; <see cref="Dispose"/> returns them.
/// Not thread-safe: one producer fills it, then it is handed on.
/// </summary>
public sealed class EventBatch : IDisposable
{
    private EventRecord[] _records;
    private byte[] _arena;

    /// <summary>Creates an empty batch with room for <paramref name="records"/> records and <paramref name="arenaBytes"/> id bytes.</summary>
    public EventBatch(int records = 256, int arenaBytes = 4096)
    {
        _records = ArrayPool<EventRecord>.Shared.Rent(Math.Max(records, 16));
        _arena = ArrayPool<byte>.Shared.Rent(Math.Max(arenaBytes, 256));
    }

    /// <summary>Number of records.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes used in the arena.</summary>
    public int ArenaLength { get; private set; }

    /// <summary>
    /// Set by a producer that computed every record's <see cref="EventRecord.UnitHash"/> as <see cref="UnitHash.Compute(ReadOnlySpan{byte})"/>
    /// of its unit id (the parser does): the column log then need not hash every id again to find out that the
    /// hash column can be dropped. Cleared by <see cref="Clear"/>.
    /// </summary>
    public bool UnitHashesFromIds { get; set; }

    /// <summary>The records.</summary>
    public Span<EventRecord> Records => _records.AsSpan(0, Count);

    /// <summary>The used part of the arena.</summary>
    public ReadOnlySpan<byte> Arena => _arena.AsSpan(0, ArenaLength);

    /// <summary>The unit id bytes of a record of this batch.</summary>
    public ReadOnlySpan<byte> UnitId(in EventRecord r) => _arena.AsSpan(r.UnitIdOffset, r.UnitIdLength);

    /// <summary>The event id bytes of a record of this batch (empty when none).</summary>
    public ReadOnlySpan<byte> EventId(in EventRecord r) => _arena.AsSpan(r.EventIdOffset, r.EventIdLength);

    /// <summary>Adds a record; its id offsets must already point into this batch's arena.</summary>
    public ref EventRecord Add()
    {
        if (Count == _records.Length)
        {
            Grow(ref _records, Count * 2);
        }
        ref var r = ref _records[Count++];
        r = default;
        return ref r;
    }

    /// <summary>Copies bytes into the arena and returns their offset.</summary>
    public int AppendBytes(ReadOnlySpan<byte> bytes)
    {
        if (ArenaLength + bytes.Length > _arena.Length)
        {
            Grow(ref _arena, Math.Max(_arena.Length * 2, ArenaLength + bytes.Length));
        }
        int offset = ArenaLength;
        bytes.CopyTo(_arena.AsSpan(offset));
        ArenaLength += bytes.Length;
        return offset;
    }

    /// <summary>Reserves <paramref name="length"/> arena bytes to write into (for decoding escaped strings in place).</summary>
    public Span<byte> ReserveBytes(int length, out int offset)
    {
        if (ArenaLength + length > _arena.Length)
        {
            Grow(ref _arena, Math.Max(_arena.Length * 2, ArenaLength + length));
        }
        offset = ArenaLength;
        ArenaLength += length;
        return _arena.AsSpan(offset, length);
    }

    /// <summary>Gives back bytes reserved last that were not used.</summary>
    public void TrimArena(int newLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(newLength, ArenaLength);
        ArenaLength = newLength;
    }

    /// <summary>Removes the last <paramref name="count"/> records (used to roll back a half-parsed event).</summary>
    public void RemoveLast(int count = 1) => Count -= Math.Min(count, Count);

    /// <summary>Empties the batch, keeping its buffers.</summary>
    public void Clear()
    {
        Count = 0;
        ArenaLength = 0;
        UnitHashesFromIds = false;
    }

    /// <summary>Returns the buffers to the pool.</summary>
    public void Dispose()
    {
        if (_records.Length > 0)
        {
            ArrayPool<EventRecord>.Shared.Return(_records);
            ArrayPool<byte>.Shared.Return(_arena);
            _records = [];
            _arena = [];
        }
        Count = 0;
        ArenaLength = 0;
    }

    private static void Grow<T>(ref T[] array, int size)
    {
        var bigger = ArrayPool<T>.Shared.Rent(size);
        array.AsSpan().CopyTo(bigger);
        ArrayPool<T>.Shared.Return(array);
        array = bigger;
    }
}
