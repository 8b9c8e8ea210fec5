using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>Packs values of a fixed bit width LSB-first into 64-bit little-endian words (the last word cut to its bytes).</summary>
internal ref struct BitPacker
{
    private readonly Span<byte> _destination;
    private readonly int _width;
    private ulong _acc;
    private int _accBits;
    private int _offset;

    public BitPacker(Span<byte> destination, int width)
    {
        _destination = destination;
        _width = width;
    }

    /// <summary>Bytes needed for <paramref name="count"/> values of <paramref name="width"/> bits.</summary>
    public static int Size(int count, int width) => (int)(((long)count * width + 7) / 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Put(ulong value)
    {
        _acc |= value << _accBits;
        if (_accBits + _width >= 64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_destination[_offset..], _acc);
            _offset += 8;
            int remaining = _accBits + _width - 64;
            _acc = remaining > 0 ? value >> (_width - remaining) : 0;
            _accBits = remaining;
        }
        else
        {
            _accBits += _width;
        }
    }

    public void Finish()
    {
        for (int shift = 0; shift < _accBits; shift += 8)
        {
            _destination[_offset++] = (byte)(_acc >> shift);
        }
        _accBits = 0;
    }
}

/// <summary>Reads what <see cref="BitPacker"/> wrote; the caller checks the span has <see cref="BitPacker.Size"/> bytes.</summary>
internal ref struct BitUnpacker
{
    private readonly ReadOnlySpan<byte> _source;
    private readonly int _width;
    private readonly ulong _mask;
    private ulong _acc;
    private int _accBits;
    private int _offset;

    public BitUnpacker(ReadOnlySpan<byte> source, int width)
    {
        _source = source;
        _width = width;
        _mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Get()
    {
        if (_width == 0)
        {
            return 0;
        }
        ulong value;
        if (_accBits >= _width)
        {
            value = _acc & _mask;
            _acc = _width == 64 ? 0 : _acc >> _width;
            _accBits -= _width;
            return value;
        }
        ulong next = ReadWord();
        value = (_acc | (next << _accBits)) & _mask;
        int used = _width - _accBits;
        _acc = used == 64 ? 0 : next >> used;
        _accBits = 64 - used;
        return value;
    }

    private ulong ReadWord()
    {
        int offset = _offset;
        _offset += 8;
        if (offset + 8 <= _source.Length)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(_source[offset..]);
        }
        ulong word = 0;
        for (int shift = 0; offset < _source.Length; offset++, shift += 8)
        {
            word |= (ulong)_source[offset] << shift;
        }
        return word;
    }
}
