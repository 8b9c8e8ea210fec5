using Expothesis.Fast.Storage.Columnar.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Columnar;

/// <summary>
/// The event log for <see cref="Durability.None"/>: the same blocks and positions as <see cref="ColumnLog"/>,
/// kept in memory (append-only chunks), so replay, cursors and export behave identically. Appends are
/// encoded under a lock in call order and complete synchronously.
/// </summary>
public sealed class InMemoryEventLog : IEventArchiveLog
{
    private const int ChunkBytes = 1 << 20;

    private readonly Lock _sync = new();
    private readonly BlockEncoder _encoder = new();
    private readonly List<byte[]> _chunks = [];
    private readonly List<BlockLocation> _blocks = [];
    private byte[] _blockBuffer = [];
    private int _chunkUsed;
    private long _position;
    private long _eventCount;
    private bool _disposed;

    /// <inheritdoc />
    public long DurablePosition => Volatile.Read(ref _position);

    /// <inheritdoc />
    public long SizeOnDiskBytes => Volatile.Read(ref _position);

    /// <inheritdoc />
    public long EventCount => Volatile.Read(ref _eventCount);

    /// <inheritdoc />
    public ValueTask<long> AppendAsync(EventBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count > BlockFormat.MaxRecords)
        {
            throw new ArgumentException("Batch too large for one column-log block.", nameof(batch));
        }
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (batch.Count == 0)
            {
                return new ValueTask<long>(_position);
            }
            _encoder.Reset();
            _encoder.Add(batch);
            int length = _encoder.Encode(ref _blockBuffer);
            if (_chunks.Count == 0 || ChunkBytes - _chunkUsed < length)
            {
                _chunks.Add(new byte[Math.Max(ChunkBytes, length)]);
                _chunkUsed = 0;
            }
            _blockBuffer.AsSpan(0, length).CopyTo(_chunks[^1].AsSpan(_chunkUsed));
            _blocks.Add(new BlockLocation(_position, _chunks.Count - 1, _chunkUsed, length));
            _chunkUsed += length;
            _eventCount += _encoder.EventCount;
            Volatile.Write(ref _position, _position + length);
            return new ValueTask<long>(_position);
        }
    }

    /// <inheritdoc />
    public void Replay(long fromPosition, Action<EventBatch, long> onBlock)
    {
        using var source = CreateSource(fromPosition);
        LogReplay.Run(source, onBlock);
    }

    /// <inheritdoc />
    public EventLogCursor OpenCursor(EventScanFilter filter) => new(CreateSource(0), filter);

    /// <summary>Drops the blocks.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_sync)
        {
            if (!_disposed)
            {
                _disposed = true;
                _encoder.Dispose();
                _chunks.Clear();
                _blocks.Clear();
            }
        }
        return ValueTask.CompletedTask;
    }

    private MemoryBlockSource CreateSource(long fromPosition)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentOutOfRangeException.ThrowIfNegative(fromPosition);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(fromPosition, _position);
            int first = _blocks.BinarySearch(new BlockLocation(fromPosition, 0, 0, 0), BlockLocation.ByStart);
            if (first < 0)
            {
                first = ~first;
                if (first < _blocks.Count)
                {
                    throw new ArgumentException($"Position {fromPosition} is not a block boundary.", nameof(fromPosition));
                }
            }
            var blocks = new BlockLocation[_blocks.Count - first];
            _blocks.CopyTo(first, blocks, 0, blocks.Length);
            return new MemoryBlockSource([.. _chunks], blocks);
        }
    }

    private readonly record struct BlockLocation(long Start, int Chunk, int Offset, int Length)
    {
        public static readonly IComparer<BlockLocation> ByStart = Comparer<BlockLocation>.Create((a, b) => a.Start.CompareTo(b.Start));
    }

    private sealed class MemoryBlockSource(byte[][] chunks, BlockLocation[] blocks) : BlockSource
    {
        private int _next;

        public override bool TryReadBlock(out ReadOnlySpan<byte> block, out long start)
        {
            if (_next >= blocks.Length)
            {
                block = default;
                start = 0;
                return false;
            }
            var b = blocks[_next++];
            block = chunks[b.Chunk].AsSpan(b.Offset, b.Length);
            start = b.Start;
            return true;
        }

        public override void Dispose()
        {
        }
    }
}
