using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>
/// Builds one block from the records of one or more batches (a commit group). Reusable, not
/// thread-safe: <see cref="Reset"/>, <see cref="Add"/> each batch, then <see cref="Encode"/>.
/// </summary>
internal sealed class BlockEncoder : IDisposable
{
    /// <summary>Columns shorter than this are stored raw (LZ4 cannot win on them).</summary>
    private const int MinCompressBytes = 32;
    private const int MaxPrefixBytes = 255;
    private const int MaxNumberDigits = 19;

    private readonly ColumnBuffer[] _columns = new ColumnBuffer[BlockFormat.ColumnCount];
    private readonly ColumnBuffer _unitFormat = new(64);
    private readonly ColumnBuffer _unitPacked = new();
    private readonly SmallIntColumn _experiments = new();
    private readonly SmallIntColumn _metrics = new();
    private readonly SmallIntColumn _variants = new();
    private readonly byte[] _prefix = new byte[MaxPrefixBytes];
    private ulong[] _numbers = ArrayPool<ulong>.Shared.Rent(1024);
    private int _prefixLength;
    private bool _numeric;
    private bool _unitHashDerived;
    private bool _eventHashDerived;
    private bool _anyEventId;
    private int _count;
    private int _aux;
    private long _previousTimestamp;
    private long _minTimestamp;
    private long _maxTimestamp;
    private int _minExperiment;
    private int _maxExperiment;
    private ulong _minNumber;
    private ulong _maxNumber;

    public BlockEncoder()
    {
        for (int i = 0; i < _columns.Length; i++)
        {
            _columns[i] = new ColumnBuffer();
        }
        Reset();
    }

    /// <summary>Records added since <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Records added that are events (not stored sticky assignments).</summary>
    public int EventCount => _count - _aux;

    /// <summary>Starts a new block.</summary>
    public void Reset()
    {
        foreach (var c in _columns)
        {
            c.Clear();
        }
        _experiments.Clear();
        _metrics.Clear();
        _variants.Clear();
        _count = 0;
        _aux = 0;
        _numeric = true;
        _prefixLength = -1;
        _unitHashDerived = true;
        _eventHashDerived = true;
        _anyEventId = false;
        _previousTimestamp = 0;
        _minTimestamp = long.MaxValue;
        _maxTimestamp = long.MinValue;
        _minExperiment = int.MaxValue;
        _maxExperiment = int.MinValue;
        _minNumber = ulong.MaxValue;
        _maxNumber = 0;
    }

    /// <summary>Adds every record of <paramref name="batch"/>, in order.</summary>
    public void Add(EventBatch batch)
    {
        var records = batch.Records;
        if (_count + records.Length > BlockFormat.MaxRecords)
        {
            throw new ArgumentException("Too many records for one column-log block.", nameof(batch));
        }
        if (_numeric && _numbers.Length < _count + records.Length)
        {
            var bigger = ArrayPool<ulong>.Shared.Rent(Math.Max(_numbers.Length * 2, _count + records.Length));
            _numbers.AsSpan(0, _count).CopyTo(bigger);
            ArrayPool<ulong>.Shared.Return(_numbers);
            _numbers = bigger;
        }
        _experiments.EnsureCapacity(_count + records.Length);
        _metrics.EnsureCapacity(_count + records.Length);
        _variants.EnsureCapacity(_count + records.Length);
        var unitHash = _columns[(int)ColumnId.UnitHash];
        var eventHash = _columns[(int)ColumnId.EventIdHash];
        var value = _columns[(int)ColumnId.Value];
        var timestamp = _columns[(int)ColumnId.Timestamp];
        var unitLengths = _columns[(int)ColumnId.UnitIdLengths];
        var unitBytes = _columns[(int)ColumnId.UnitIdBytes];
        var eventLengths = _columns[(int)ColumnId.EventIdLengths];
        var eventBytes = _columns[(int)ColumnId.EventIdBytes];
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly var r = ref records[i];
            var unitId = batch.UnitId(r);
            var eventId = batch.EventId(r);

            unitHash.WriteUInt64(r.UnitHash);
            if (_unitHashDerived && !batch.UnitHashesFromIds && UnitHash.Compute(unitId) != r.UnitHash)
            {
                _unitHashDerived = false;
            }
            eventHash.WriteUInt64(r.EventIdHash);
            if (_eventHashDerived && r.EventIdHash != (eventId.IsEmpty ? 0UL : UnitHash.Compute(eventId)))
            {
                _eventHashDerived = false;
            }

            WriteValue(value, r.Value);
            timestamp.WriteZigZag(unchecked(r.TimestampMs - _previousTimestamp));
            _previousTimestamp = r.TimestampMs;
            _minTimestamp = Math.Min(_minTimestamp, r.TimestampMs);
            _maxTimestamp = Math.Max(_maxTimestamp, r.TimestampMs);
            _experiments.Add(r.Experiment);
            _minExperiment = Math.Min(_minExperiment, r.Experiment);
            _maxExperiment = Math.Max(_maxExperiment, r.Experiment);
            _metrics.Add(r.Metric);
            _variants.Add(r.Variant);
            if (r.Metric == BlockFormat.AuxMetric)
            {
                _aux++;
            }

            unitLengths.WriteVarint((uint)unitId.Length);
            unitBytes.Write(unitId);
            if (_numeric)
            {
                AddNumeric(unitId);
            }
            eventLengths.WriteVarint((uint)eventId.Length);
            if (!eventId.IsEmpty)
            {
                _anyEventId = true;
                eventBytes.Write(eventId);
            }
            _count++;
        }
    }

    /// <summary>Writes the block into <paramref name="output"/> (grown from the pool as needed); returns its length.</summary>
    public int Encode(ref byte[] output)
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("An empty block cannot be encoded.");
        }
        _experiments.Write(_columns[(int)ColumnId.Experiment]);
        _metrics.Write(_columns[(int)ColumnId.Metric]);
        _variants.Write(_columns[(int)ColumnId.Variant]);
        var flags = BlockFlags.None;
        if (_numeric)
        {
            BuildNumericUnitIds();
            flags |= BlockFlags.NumericUnitIds;
        }
        int rawTotal = 0;
        for (int c = 0; c < BlockFormat.ColumnCount; c++)
        {
            rawTotal += RawColumn((ColumnId)c).Length;
        }
        if (rawTotal > BlockFormat.MaxPayloadBytes)
        {
            throw new InvalidOperationException("A column-log block would exceed its size limit.");
        }
        int capacity = BlockFormat.HeaderSize + rawTotal;
        if (output.Length < capacity)
        {
            if (output.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(output);
            }
            output = ArrayPool<byte>.Shared.Rent(capacity);
        }
        var block = output.AsSpan(0, capacity);
        int payload = 0;
        for (int c = 0; c < BlockFormat.ColumnCount; c++)
        {
            var raw = RawColumn((ColumnId)c);
            var destination = block[(BlockFormat.HeaderSize + payload)..];
            int stored = 0;
            if (raw.Length >= MinCompressBytes)
            {
                stored = Lz4.Compress(raw, destination[..(raw.Length - 1)]);
            }
            if (stored == 0)
            {
                raw.CopyTo(destination);
                stored = raw.Length;
            }
            int entry = BlockFormat.ColumnTableOffset + c * 8;
            BinaryPrimitives.WriteInt32LittleEndian(block[entry..], raw.Length);
            BinaryPrimitives.WriteInt32LittleEndian(block[(entry + 4)..], stored);
            payload += stored;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(block, BlockFormat.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(block[4..], BlockFormat.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(block[6..], (ushort)flags);
        BinaryPrimitives.WriteInt32LittleEndian(block[8..], _count);
        BinaryPrimitives.WriteInt32LittleEndian(block[12..], _aux);
        BinaryPrimitives.WriteInt32LittleEndian(block[16..], payload);
        BinaryPrimitives.WriteInt32LittleEndian(block[20..], _minExperiment);
        BinaryPrimitives.WriteInt32LittleEndian(block[24..], _maxExperiment);
        BinaryPrimitives.WriteInt32LittleEndian(block[28..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(block[32..], _minTimestamp);
        BinaryPrimitives.WriteInt64LittleEndian(block[40..], _maxTimestamp);
        int length = BlockFormat.HeaderSize + payload;
        BinaryPrimitives.WriteUInt32LittleEndian(block[BlockFormat.CrcOffset..], BlockFormat.ComputeCrc(block[..length]));
        return length;
    }

    public void Dispose()
    {
        foreach (var c in _columns)
        {
            c.Dispose();
        }
        _unitFormat.Dispose();
        _unitPacked.Dispose();
        _experiments.Dispose();
        _metrics.Dispose();
        _variants.Dispose();
        if (_numbers.Length > 0)
        {
            ArrayPool<ulong>.Shared.Return(_numbers);
            _numbers = [];
        }
    }

    private ReadOnlySpan<byte> RawColumn(ColumnId column) => column switch
    {
        ColumnId.UnitHash => _unitHashDerived ? default : _columns[(int)column].Span,
        ColumnId.EventIdHash => _eventHashDerived ? default : _columns[(int)column].Span,
        ColumnId.UnitIdLengths => _numeric ? _unitFormat.Span : _columns[(int)column].Span,
        ColumnId.UnitIdBytes => _numeric ? _unitPacked.Span : _columns[(int)column].Span,
        ColumnId.EventIdLengths or ColumnId.EventIdBytes => _anyEventId ? _columns[(int)column].Span : default,
        _ => _columns[(int)column].Span,
    };

    /// <summary>Value as a varint of (zigzag(m) &lt;&lt; 3 | k) when value == m / 10^k exactly (k &lt;= 6), else 7 and the 8 raw bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteValue(ColumnBuffer column, double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        for (int k = 0; k < ValueCodec.Scales; k++)
        {
            double x = value * ValueCodec.Pow10[k];
            if (!(Math.Abs(x) < ValueCodec.MaxMantissa))
            {
                break;
            }
            long mantissa = (long)Math.Round(x);
            if (BitConverter.DoubleToInt64Bits(mantissa / ValueCodec.Pow10[k]) == bits)
            {
                column.WriteVarint(((ulong)((mantissa << 1) ^ (mantissa >> 63)) << 3) | (uint)k);
                return;
            }
        }
        column.WriteVarint(ValueCodec.RawTag);
        column.WriteUInt64((ulong)bits);
    }

    private void AddNumeric(ReadOnlySpan<byte> unitId)
    {
        int start = unitId.Length;
        while (start > 0 && (uint)(unitId[start - 1] - '0') <= 9)
        {
            start--;
        }
        int digits = unitId.Length - start;
        if (digits == 0 || digits > MaxNumberDigits || start > MaxPrefixBytes || (digits > 1 && unitId[start] == '0'))
        {
            _numeric = false;
            return;
        }
        var prefix = unitId[..start];
        if (_prefixLength < 0)
        {
            prefix.CopyTo(_prefix);
            _prefixLength = prefix.Length;
        }
        else if (!prefix.SequenceEqual(_prefix.AsSpan(0, _prefixLength)))
        {
            _numeric = false;
            return;
        }
        ulong number = 0;
        foreach (byte b in unitId[start..])
        {
            number = number * 10 + (uint)(b - '0');
        }
        _numbers[_count] = number;
        _minNumber = Math.Min(_minNumber, number);
        _maxNumber = Math.Max(_maxNumber, number);
    }

    /// <summary>Format column: varint prefix length, prefix, varint base, byte width; bytes column: bit-packed (number - base).</summary>
    private void BuildNumericUnitIds()
    {
        _unitFormat.Clear();
        _unitPacked.Clear();
        _unitFormat.WriteVarint((uint)_prefixLength);
        _unitFormat.Write(_prefix.AsSpan(0, _prefixLength));
        _unitFormat.WriteVarint(_minNumber);
        int width = 64 - BitOperations.LeadingZeroCount(_maxNumber - _minNumber);
        _unitFormat.WriteByte((byte)width);
        if (width == 0)
        {
            return;
        }
        var packer = new BitPacker(_unitPacked.Reserve(BitPacker.Size(_count, width)), width);
        for (int i = 0; i < _count; i++)
        {
            packer.Put(_numbers[i] - _minNumber);
        }
        packer.Finish();
    }
}

/// <summary>Constants of the value column's encoding.</summary>
internal static class ValueCodec
{
    public const int Scales = 7;
    public const ulong RawTag = 7;
    public const double MaxMantissa = 9007199254740992.0; // 2^53
    public static readonly double[] Pow10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
}
