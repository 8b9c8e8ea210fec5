using Expothesis.Fast.Storage.Columnar.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Columnar;

/// <summary>
/// A forward-only scan over the archive: decodes one block at a time into pooled buffers and yields
/// the records that pass its <see cref="EventScanFilter"/>. Blocks whose header shows no possible match
/// are skipped without decoding. Not thread-safe; dispose it to return its buffers.
/// </summary>
public sealed class EventLogCursor : IDisposable
{
    private readonly BlockSource _source;
    private readonly EventScanFilter _filter;
    private readonly BlockDecoder _decoder = new();
    private readonly EventBatch _batch = new(1024, 16 * 1024);
    private int _index;
    private bool _disposed;

    internal EventLogCursor(BlockSource source, EventScanFilter filter)
    {
        _source = source;
        _filter = filter;
    }

    /// <summary>The filter this cursor applies.</summary>
    public EventScanFilter Filter => _filter;

    /// <summary>Blocks decoded so far.</summary>
    public long BlocksRead { get; private set; }

    /// <summary>Records of the current block not yet looked at; 0 at a block boundary.</summary>
    public int RemainingInBlock => _batch.Count - _index;

    /// <summary>
    /// The next matching record with its unit id and event id bytes (valid until the next call); false
    /// at the end of the durable log as of when the cursor was opened.
    /// </summary>
    public bool TryReadNext(out EventRecord record, out ReadOnlySpan<byte> unitId, out ReadOnlySpan<byte> eventId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            var records = _batch.Records;
            while (_index < records.Length)
            {
                ref readonly var r = ref records[_index++];
                if (_filter.Matches(r))
                {
                    record = r;
                    unitId = _batch.UnitId(r);
                    eventId = _batch.EventId(r);
                    return true;
                }
            }
            if (!NextBlock())
            {
                record = default;
                unitId = default;
                eventId = default;
                return false;
            }
        }
    }

    /// <summary>Returns the buffers.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _source.Dispose();
            _decoder.Dispose();
            _batch.Dispose();
        }
    }

    private bool NextBlock()
    {
        _batch.Clear();
        _index = 0;
        while (_source.TryReadBlock(out var block, out long start))
        {
            if (!BlockHeader.TryParse(block, out var header))
            {
                throw new ColumnLogCorruptionException(start, "bad block header");
            }
            if (!header.MayMatch(_filter))
            {
                continue;
            }
            try
            {
                _decoder.Decode(block, _batch);
            }
            catch (InvalidDataException e)
            {
                throw new ColumnLogCorruptionException(start, e.Message, e);
            }
            BlocksRead++;
            return true;
        }
        return false;
    }
}
