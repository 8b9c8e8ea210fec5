using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>A growable byte buffer over a pooled array, with varint writers. Owned by one encoder.</summary>
internal sealed class ColumnBuffer : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public ColumnBuffer(int capacity = 1024) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVarint(ulong value)
    {
        if (_buffer.Length - _length < 10)
        {
            Grow(10);
        }
        ref byte b = ref _buffer[0];
        int n = _length;
        while (value >= 0x80)
        {
            Unsafe.Add(ref b, n++) = (byte)(value | 0x80);
            value >>= 7;
        }
        Unsafe.Add(ref b, n++) = (byte)value;
        _length = n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteZigZag(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteUInt64(ulong value)
    {
        if (_buffer.Length - _length < 8)
        {
            Grow(8);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteByte(byte value)
    {
        if (_buffer.Length == _length)
        {
            Grow(1);
        }
        _buffer[_length++] = value;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _length < bytes.Length)
        {
            Grow(bytes.Length);
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Reserves <paramref name="count"/> zeroed bytes and returns them for writing.</summary>
    public Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }
        var span = _buffer.AsSpan(_length, count);
        span.Clear();
        _length += count;
        return span;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int extra)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = bigger;
    }
}

/// <summary>A bounds-checked reader over one decoded column; malformed input throws <see cref="InvalidDataException"/>.</summary>
internal ref struct ColumnReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public ColumnReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly bool AtEnd => _position == _span.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            if ((uint)_position >= (uint)_span.Length)
            {
                BlockErrors.Invalid("varint past the end of a column");
            }
            byte b = _span[_position++];
            if (shift == 63 && b > 1)
            {
                BlockErrors.Invalid("varint overflow");
            }
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
            shift += 7;
            if (shift > 63)
            {
                BlockErrors.Invalid("varint too long");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadZigZag()
    {
        ulong v = ReadVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    public int ReadZigZagInt32()
    {
        long v = ReadZigZag();
        if (v is < int.MinValue or > int.MaxValue)
        {
            BlockErrors.Invalid("value out of range");
        }
        return (int)v;
    }

    public short ReadZigZagInt16()
    {
        long v = ReadZigZag();
        if (v is < short.MinValue or > short.MaxValue)
        {
            BlockErrors.Invalid("value out of range");
        }
        return (short)v;
    }

    public int ReadLength()
    {
        ulong v = ReadVarint();
        if (v > int.MaxValue)
        {
            BlockErrors.Invalid("length out of range");
        }
        return (int)v;
    }

    public ulong ReadUInt64()
    {
        if (_span.Length - _position < 8)
        {
            BlockErrors.Invalid("fixed value past the end of a column");
        }
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_span[_position..]);
        _position += 8;
        return v;
    }

    public byte ReadByte()
    {
        if ((uint)_position >= (uint)_span.Length)
        {
            BlockErrors.Invalid("byte past the end of a column");
        }
        return _span[_position++];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if ((uint)count > (uint)(_span.Length - _position))
        {
            BlockErrors.Invalid("bytes past the end of a column");
        }
        var s = _span.Slice(_position, count);
        _position += count;
        return s;
    }
}
