using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>
/// A column of small-cardinality ints (experiment, metric, variant). Encoded as a mode byte, then
/// either (0) one zigzag varint per record, or (1) a dictionary of at most 64 zigzag varints in
/// first-seen order, a width byte (bits of count - 1) and the bit-packed dictionary index of every record.
/// </summary>
internal sealed class SmallIntColumn : IDisposable
{
    public const int MaxDictionary = 64;
    public const byte VarintMode = 0;
    public const byte DictionaryMode = 1;

    /// <summary>Values in [-Bias, 256 - Bias) find their dictionary slot (index + 1, 0 = none) without a branchy search.</summary>
    private const int Bias = 2;

    private readonly int[] _dictionary = new int[MaxDictionary];
    private readonly byte[] _slots = new byte[256];
    private int[] _values = ArrayPool<int>.Shared.Rent(1024);
    private byte[] _indexes = ArrayPool<byte>.Shared.Rent(1024);
    private int _dictionaryCount;
    private bool _overflow;
    private int _count;

    public void Clear()
    {
        for (int i = 0; i < _dictionaryCount; i++)
        {
            uint key = (uint)(_dictionary[i] + Bias);
            if (key < (uint)_slots.Length)
            {
                _slots[key] = 0;
            }
        }
        _count = 0;
        _dictionaryCount = 0;
        _overflow = false;
    }

    public void EnsureCapacity(int count)
    {
        if (_values.Length < count)
        {
            Grow(ref _values, count);
            Grow(ref _indexes, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int value)
    {
        _values[_count] = value;
        uint key = (uint)(value + Bias);
        int slot = key < (uint)_slots.Length ? _slots[key] : 0;
        if (slot == 0)
        {
            slot = AddSlow(value);
        }
        _indexes[_count++] = (byte)(slot - 1);
    }

    /// <summary>Bits of a dictionary index for <paramref name="entries"/> entries.</summary>
    public static int IndexWidth(int entries) => entries <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)(entries - 1));

    public void Write(ColumnBuffer output)
    {
        output.Clear();
        if (_overflow)
        {
            output.WriteByte(VarintMode);
            for (int i = 0; i < _count; i++)
            {
                output.WriteZigZag(_values[i]);
            }
            return;
        }
        output.WriteByte(DictionaryMode);
        output.WriteVarint((uint)_dictionaryCount);
        for (int i = 0; i < _dictionaryCount; i++)
        {
            output.WriteZigZag(_dictionary[i]);
        }
        int width = IndexWidth(_dictionaryCount);
        output.WriteByte((byte)width);
        if (width > 0)
        {
            var packer = new BitPacker(output.Reserve(BitPacker.Size(_count, width)), width);
            for (int i = 0; i < _count; i++)
            {
                packer.Put(_indexes[i]);
            }
            packer.Finish();
        }
    }

    public void Dispose()
    {
        if (_values.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_values);
            ArrayPool<byte>.Shared.Return(_indexes);
            _values = [];
            _indexes = [];
        }
    }

    /// <summary>Finds or adds <paramref name="value"/>; returns its index + 1 (1 once the dictionary overflowed).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int AddSlow(int value)
    {
        if (_overflow)
        {
            return 1;
        }
        for (int i = 0; i < _dictionaryCount; i++)
        {
            if (_dictionary[i] == value)
            {
                return i + 1;
            }
        }
        if (_dictionaryCount == MaxDictionary)
        {
            _overflow = true;
            return 1;
        }
        _dictionary[_dictionaryCount++] = value;
        uint key = (uint)(value + Bias);
        if (key < (uint)_slots.Length)
        {
            _slots[key] = (byte)_dictionaryCount;
        }
        return _dictionaryCount;
    }

    private static void Grow<T>(ref T[] array, int count)
    {
        var bigger = ArrayPool<T>.Shared.Rent(Math.Max(count, array.Length * 2));
        array.AsSpan().CopyTo(bigger);
        ArrayPool<T>.Shared.Return(array);
        array = bigger;
    }
}

/// <summary>Reads a <see cref="SmallIntColumn"/>; malformed input throws <see cref="InvalidDataException"/>.</summary>
internal ref struct SmallIntReader
{
    private readonly Span<int> _dictionary;
    private readonly int _entries;
    private ColumnReader _varints;
    private BitUnpacker _indexes;

    /// <param name="column">The decoded column.</param>
    /// <param name="dictionary">Scratch of <see cref="SmallIntColumn.MaxDictionary"/> ints.</param>
    /// <param name="records">Records in the block.</param>
    public SmallIntReader(ReadOnlySpan<byte> column, Span<int> dictionary, int records)
    {
        var reader = new ColumnReader(column);
        byte mode = reader.ReadByte();
        _dictionary = dictionary;
        if (mode == SmallIntColumn.VarintMode)
        {
            _entries = 0;
            _varints = reader;
            return;
        }
        if (mode != SmallIntColumn.DictionaryMode)
        {
            BlockErrors.Invalid("unknown small-int column mode");
        }
        _entries = reader.ReadLength();
        if (_entries is 0 or > SmallIntColumn.MaxDictionary)
        {
            BlockErrors.Invalid("bad dictionary size");
        }
        for (int i = 0; i < _entries; i++)
        {
            dictionary[i] = reader.ReadZigZagInt32();
        }
        int width = reader.ReadByte();
        if (width != SmallIntColumn.IndexWidth(_entries))
        {
            BlockErrors.Invalid("bad dictionary index width");
        }
        _indexes = new BitUnpacker(reader.ReadBytes(BitPacker.Size(records, width)), width);
        if (!reader.AtEnd)
        {
            BlockErrors.Invalid("trailing dictionary column bytes");
        }
        _varints = default;
    }

    /// <summary>True when a varint column was read to its end (a dictionary column is checked up front).</summary>
    public readonly bool AtEnd => _entries > 0 || _varints.AtEnd;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Read()
    {
        if (_entries == 0)
        {
            return _varints.ReadZigZagInt32();
        }
        ulong index = _indexes.Get();
        if (index >= (ulong)_entries)
        {
            BlockErrors.Invalid("dictionary index out of range");
        }
        return _dictionary[(int)index];
    }
}
