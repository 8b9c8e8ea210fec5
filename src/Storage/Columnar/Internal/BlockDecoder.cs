using System.Buffers;
using System.Buffers.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>
/// Decodes a block into an <see cref="EventBatch"/>. Every length and value is checked: malformed input
/// throws <see cref="InvalidDataException"/>, never reads out of bounds. Reusable, not thread-safe.
/// </summary>
internal sealed class BlockDecoder : IDisposable
{
    /// <summary>LZ4's best ratio is about 255:1; a larger claimed raw size is corruption.</summary>
    private const int MaxRatio = 256;

    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);

    /// <summary>Verifies the CRC and decodes the block into <paramref name="batch"/> (cleared first).</summary>
    public void Decode(ReadOnlySpan<byte> block, EventBatch batch, bool verifyCrc = true)
    {
        if (!BlockHeader.TryParse(block, out var header) || block.Length != header.BlockLength)
        {
            BlockErrors.Invalid("bad header");
        }
        if (verifyCrc && !BlockFormat.CrcMatches(block))
        {
            BlockErrors.Invalid("CRC mismatch");
        }
        batch.Clear();

        Span<int> start = stackalloc int[BlockFormat.ColumnCount];
        Span<int> length = stackalloc int[BlockFormat.ColumnCount];
        Span<bool> inScratch = stackalloc bool[BlockFormat.ColumnCount];
        long payloadOffset = BlockFormat.HeaderSize;
        long scratchNeeded = 0;
        for (int c = 0; c < BlockFormat.ColumnCount; c++)
        {
            int raw = BlockHeader.RawLength(block, (ColumnId)c);
            int stored = BlockHeader.StoredLength(block, (ColumnId)c);
            if (raw < 0 || stored < 0 || stored > raw || (stored < raw && (stored == 0 || (long)raw > (long)stored * MaxRatio + 64)))
            {
                BlockErrors.Invalid("bad column sizes");
            }
            payloadOffset += stored;
            if (stored < raw)
            {
                scratchNeeded += raw;
            }
        }
        if (payloadOffset != block.Length || scratchNeeded > BlockFormat.MaxPayloadBytes)
        {
            BlockErrors.Invalid("column sizes do not add up to the payload");
        }
        if (_scratch.Length < scratchNeeded)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent((int)scratchNeeded);
        }
        int offset = BlockFormat.HeaderSize;
        int scratchOffset = 0;
        for (int c = 0; c < BlockFormat.ColumnCount; c++)
        {
            int raw = BlockHeader.RawLength(block, (ColumnId)c);
            int stored = BlockHeader.StoredLength(block, (ColumnId)c);
            if (stored == raw)
            {
                start[c] = offset;
                length[c] = raw;
            }
            else
            {
                int n = Lz4.Decompress(block.Slice(offset, stored), _scratch.AsSpan(scratchOffset, raw));
                if (n != raw)
                {
                    BlockErrors.Invalid("LZ4 column does not decompress to its size");
                }
                start[c] = scratchOffset;
                length[c] = raw;
                inScratch[c] = true;
                scratchOffset += raw;
            }
            offset += stored;
        }
        DecodeRecords(block, header, start, length, inScratch, batch);
    }

    public void Dispose()
    {
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    private ReadOnlySpan<byte> Column(ReadOnlySpan<byte> block, ReadOnlySpan<int> start, ReadOnlySpan<int> length, ReadOnlySpan<bool> inScratch, ColumnId c) =>
        inScratch[(int)c] ? _scratch.AsSpan(start[(int)c], length[(int)c]) : block.Slice(start[(int)c], length[(int)c]);

    private void DecodeRecords(ReadOnlySpan<byte> block, in BlockHeader header, ReadOnlySpan<int> start, ReadOnlySpan<int> length, ReadOnlySpan<bool> inScratch, EventBatch batch)
    {
        int count = header.Count;
        var unitHashSpan = Column(block, start, length, inScratch, ColumnId.UnitHash);
        var eventHashSpan = Column(block, start, length, inScratch, ColumnId.EventIdHash);
        var eventLengthSpan = Column(block, start, length, inScratch, ColumnId.EventIdLengths);
        bool unitHashStored = unitHashSpan.Length != 0;
        bool eventHashStored = eventHashSpan.Length != 0;
        bool anyEventId = eventLengthSpan.Length != 0;
        if ((unitHashStored && unitHashSpan.Length != count * 8L) || (eventHashStored && eventHashSpan.Length != count * 8L))
        {
            BlockErrors.Invalid("hash column of the wrong size");
        }
        var unitHashes = new ColumnReader(unitHashSpan);
        var eventHashes = new ColumnReader(eventHashSpan);
        var values = new ColumnReader(Column(block, start, length, inScratch, ColumnId.Value));
        var timestamps = new ColumnReader(Column(block, start, length, inScratch, ColumnId.Timestamp));
        Span<int> dictionaries = stackalloc int[3 * SmallIntColumn.MaxDictionary];
        var experiments = new SmallIntReader(Column(block, start, length, inScratch, ColumnId.Experiment), dictionaries[..SmallIntColumn.MaxDictionary], count);
        var metrics = new SmallIntReader(Column(block, start, length, inScratch, ColumnId.Metric), dictionaries.Slice(SmallIntColumn.MaxDictionary, SmallIntColumn.MaxDictionary), count);
        var variants = new SmallIntReader(Column(block, start, length, inScratch, ColumnId.Variant), dictionaries[(2 * SmallIntColumn.MaxDictionary)..], count);
        var unitFormat = new ColumnReader(Column(block, start, length, inScratch, ColumnId.UnitIdLengths));
        var unitBytesSpan = Column(block, start, length, inScratch, ColumnId.UnitIdBytes);
        var unitBytes = new ColumnReader(unitBytesSpan);
        var eventLengths = new ColumnReader(eventLengthSpan);
        var eventBytes = new ColumnReader(Column(block, start, length, inScratch, ColumnId.EventIdBytes));

        bool numeric = (header.Flags & BlockFlags.NumericUnitIds) != 0;
        ReadOnlySpan<byte> prefix = default;
        ulong numberBase = 0;
        int width = 0;
        if (numeric)
        {
            prefix = unitFormat.ReadBytes(unitFormat.ReadLength());
            numberBase = unitFormat.ReadVarint();
            width = unitFormat.ReadByte();
            if (width > 64 || unitBytesSpan.Length != ((long)count * width + 7) / 8)
            {
                BlockErrors.Invalid("bad unit id frame");
            }
        }
        var packedNumbers = new BitUnpacker(unitBytesSpan, width);

        long timestamp = 0;
        long minTs = long.MaxValue, maxTs = long.MinValue;
        int minExp = int.MaxValue, maxExp = int.MinValue;
        int aux = 0;
        for (int i = 0; i < count; i++)
        {
            ref var r = ref batch.Add();
            r.Value = ReadValue(ref values);
            timestamp = unchecked(timestamp + timestamps.ReadZigZag());
            r.TimestampMs = timestamp;
            minTs = Math.Min(minTs, timestamp);
            maxTs = Math.Max(maxTs, timestamp);
            r.Experiment = experiments.Read();
            minExp = Math.Min(minExp, r.Experiment);
            maxExp = Math.Max(maxExp, r.Experiment);
            r.Metric = ToInt16(metrics.Read());
            r.Variant = ToInt16(variants.Read());
            if (r.Metric == BlockFormat.AuxMetric)
            {
                aux++;
            }

            if (numeric)
            {
                ulong delta = packedNumbers.Get();
                ulong number = numberBase + delta;
                if (number < numberBase)
                {
                    BlockErrors.Invalid("unit id number overflow");
                }
                var idSpan = batch.ReserveBytes(prefix.Length + 20, out int idOffset);
                prefix.CopyTo(idSpan);
                Utf8Formatter.TryFormat(number, idSpan[prefix.Length..], out int digits);
                batch.TrimArena(idOffset + prefix.Length + digits);
                r.UnitIdOffset = idOffset;
                r.UnitIdLength = prefix.Length + digits;
            }
            else
            {
                var id = unitBytes.ReadBytes(unitFormat.ReadLength());
                r.UnitIdOffset = batch.AppendBytes(id);
                r.UnitIdLength = id.Length;
            }
            r.UnitHash = unitHashStored ? unitHashes.ReadUInt64() : UnitHash.Compute(batch.UnitId(r));

            int eventIdLength = anyEventId ? eventLengths.ReadLength() : 0;
            if (eventIdLength > 0)
            {
                r.EventIdOffset = batch.AppendBytes(eventBytes.ReadBytes(eventIdLength));
                r.EventIdLength = eventIdLength;
            }
            else
            {
                r.EventIdOffset = 0;
                r.EventIdLength = 0;
            }
            r.EventIdHash = eventHashStored ? eventHashes.ReadUInt64() : eventIdLength == 0 ? 0 : UnitHash.Compute(batch.EventId(r));
        }
        if (!(unitHashes.AtEnd && eventHashes.AtEnd && values.AtEnd && timestamps.AtEnd && experiments.AtEnd && metrics.AtEnd
            && variants.AtEnd && unitFormat.AtEnd && (numeric || unitBytes.AtEnd) && eventLengths.AtEnd && eventBytes.AtEnd))
        {
            BlockErrors.Invalid("trailing column bytes");
        }
        if (aux != header.AuxCount || minTs != header.MinTimestamp || maxTs != header.MaxTimestamp
            || minExp != header.MinExperiment || maxExp != header.MaxExperiment)
        {
            BlockErrors.Invalid("header summary does not match the records");
        }
    }

    private static double ReadValue(ref ColumnReader column)
    {
        ulong tag = column.ReadVarint();
        int k = (int)(tag & 7);
        if (k == (int)ValueCodec.RawTag)
        {
            if (tag != ValueCodec.RawTag)
            {
                BlockErrors.Invalid("bad raw value tag");
            }
            return BitConverter.Int64BitsToDouble((long)column.ReadUInt64());
        }
        ulong z = tag >> 3;
        long mantissa = (long)(z >> 1) ^ -(long)(z & 1);
        return mantissa / ValueCodec.Pow10[k];
    }

    private static short ToInt16(int value)
    {
        if (value is < short.MinValue or > short.MaxValue)
        {
            BlockErrors.Invalid("value out of range");
        }
        return (short)value;
    }
}
