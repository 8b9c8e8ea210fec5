using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>Yields the blocks of a log range in order.</summary>
internal abstract class BlockSource : IDisposable
{
    /// <summary>The next block (valid until the next call) and its start position; false at the end.</summary>
    public abstract bool TryReadBlock(out ReadOnlySpan<byte> block, out long start);

    public abstract void Dispose();
}

/// <summary>A segment file read through one pooled buffer with positioned reads.</summary>
internal sealed class SegmentReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly long _limit;
    private byte[] _buffer;
    private long _bufferOffset;
    private int _bufferLength;

    public SegmentReader(string path, long limit, int bufferBytes = 1 << 20)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _limit = limit;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
    }

    /// <summary>Bytes readable.</summary>
    public long Limit => _limit;

    /// <summary>The bytes [offset, offset + count), shorter when the readable limit ends first.</summary>
    public ReadOnlySpan<byte> Read(long offset, int count)
    {
        if (offset >= _bufferOffset && offset + count <= _bufferOffset + _bufferLength)
        {
            return _buffer.AsSpan((int)(offset - _bufferOffset), count);
        }
        if (_buffer.Length < count)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(count);
        }
        int want = (int)Math.Min(_buffer.Length, Math.Max(0, _limit - offset));
        int total = 0;
        while (total < want)
        {
            int n = RandomAccess.Read(_handle, _buffer.AsSpan(total, want - total), offset + total);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        _bufferOffset = offset;
        _bufferLength = total;
        return _buffer.AsSpan(0, Math.Min(count, total));
    }

    public void Dispose()
    {
        _handle.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}

/// <summary>A segment file of the log: its first position and path.</summary>
internal readonly record struct SegmentFile(long Start, string Path);

/// <summary>Blocks of [from, end) over segment files.</summary>
internal sealed class FileBlockSource : BlockSource
{
    private readonly SegmentFile[] _segments;
    private readonly long _end;
    private long _position;
    private int _segment;
    private SegmentReader? _reader;

    public FileBlockSource(SegmentFile[] segments, long from, long end)
    {
        _segments = segments;
        _end = end;
        _position = from;
        _segment = 0;
        while (_segment + 1 < segments.Length && segments[_segment + 1].Start <= from)
        {
            _segment++;
        }
    }

    public override bool TryReadBlock(out ReadOnlySpan<byte> block, out long start)
    {
        block = default;
        start = _position;
        long segmentEnd;
        while (true)
        {
            if (_position >= _end || _segment >= _segments.Length)
            {
                return false;
            }
            segmentEnd = Math.Min(_segment + 1 < _segments.Length ? _segments[_segment + 1].Start : _end, _end);
            if (_position < segmentEnd)
            {
                break;
            }
            _reader?.Dispose();
            _reader = null;
            _segment++;
        }
        var segment = _segments[_segment];
        _reader ??= new SegmentReader(segment.Path, segmentEnd - segment.Start);
        long local = _position - segment.Start;
        var head = _reader.Read(local, BlockFormat.HeaderSize);
        if (head.Length < BlockFormat.HeaderSize || !BlockHeader.TryParse(head, out var header))
        {
            throw new ColumnLogCorruptionException(_position, "bad block header");
        }
        if (local + header.BlockLength > _reader.Limit)
        {
            throw new ColumnLogCorruptionException(_position, "block runs past the end of its segment");
        }
        block = _reader.Read(local, header.BlockLength);
        if (block.Length != header.BlockLength)
        {
            throw new ColumnLogCorruptionException(_position, "short read");
        }
        _position += header.BlockLength;
        return true;
    }

    public override void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
    }
}
