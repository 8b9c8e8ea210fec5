using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>The columns of a block, in payload order.</summary>
internal enum ColumnId
{
    UnitHash,
    EventIdHash,
    Value,
    Timestamp,
    Experiment,
    Metric,
    Variant,
    UnitIdLengths,
    UnitIdBytes,
    EventIdLengths,
    EventIdBytes,
}

/// <summary>Block flags.</summary>
[Flags]
internal enum BlockFlags : ushort
{
    None = 0,
    /// <summary>Unit ids are prefix + canonical decimal number: the lengths column holds the prefix and the frame, the bytes column bit-packed numbers.</summary>
    NumericUnitIds = 1,
}

/// <summary>
/// The on-disk block layout (little endian):
/// <code>
///   0 u32 magic "XLB1"      4 u16 version        6 u16 flags
///   8 i32 record count     12 i32 aux count (records with Metric == -2)
///  16 i32 payload length   20 i32 min experiment 24 i32 max experiment 28 i32 reserved (0)
///  32 i64 min timestamp    40 i64 max timestamp
///  48 11 x (i32 raw length, i32 stored length)  (stored &lt; raw: LZ4, stored == raw: raw bytes)
/// 136 u32 CRC32C over bytes [0,136) and the payload
/// 140 payload: the columns' stored bytes in <see cref="ColumnId"/> order
/// </code>
/// Column encodings (before LZ4): unit hash and event id hash are 8 bytes per record, or empty when
/// every hash equals XXH64 of the id bytes (0 for no event id) and is recomputed on decode; value is a
/// varint of (zigzag(m) &lt;&lt; 3 | k) for value == m / 10^k (k &lt;= 6), or 7 and the raw 8 bytes;
/// timestamp is the zigzag varint delta from the previous record (0 before the first); experiment,
/// metric and variant are <see cref="SmallIntColumn"/>s (dictionary + bit-packed indexes); unit ids are
/// varint lengths + bytes, or with <see cref="BlockFlags.NumericUnitIds"/> a shared prefix, a base and a
/// width with the bit-packed (number - base) of each record; event ids are varint lengths + bytes, both
/// columns empty when no record has one.
/// </summary>
internal static class BlockFormat
{
    public const uint Magic = 0x31424C58; // "XLB1"
    public const ushort Version = 1;
    public const int ColumnCount = 11;
    public const int ColumnTableOffset = 48;
    public const int CrcOffset = ColumnTableOffset + ColumnCount * 8;
    public const int HeaderSize = CrcOffset + 4;
    /// <summary>Upper bound of one block's payload (a sanity limit for corrupted headers).</summary>
    public const int MaxPayloadBytes = 512 << 20;
    /// <summary>Upper bound of records in one block.</summary>
    public const int MaxRecords = 1 << 24;
    /// <summary>The <see cref="Ingest.EventRecord.Metric"/> of a stored sticky assignment (not an event).</summary>
    public const short AuxMetric = -2;

    /// <summary>CRC32C of a block (header without its CRC field, then the payload).</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> block)
    {
        uint crc = Crc32C(~0u, block[..CrcOffset]);
        crc = Crc32C(crc, block[HeaderSize..]);
        return ~crc;
    }

    /// <summary>True when the block's stored CRC matches its bytes.</summary>
    public static bool CrcMatches(ReadOnlySpan<byte> block) =>
        block.Length >= HeaderSize && BinaryPrimitives.ReadUInt32LittleEndian(block[CrcOffset..]) == ComputeCrc(block);

    /// <summary>CRC32C (Castagnoli) update over 8-byte chunks, hardware accelerated where available.</summary>
    public static uint Crc32C(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        }
        for (; i < length; i++)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, i));
        }
        return crc;
    }
}

/// <summary>A parsed and range-checked block header.</summary>
internal readonly struct BlockHeader
{
    public readonly BlockFlags Flags;
    public readonly int Count;
    public readonly int AuxCount;
    public readonly int PayloadLength;
    public readonly int MinExperiment;
    public readonly int MaxExperiment;
    public readonly long MinTimestamp;
    public readonly long MaxTimestamp;

    private BlockHeader(BlockFlags flags, int count, int aux, int payload, int minExp, int maxExp, long minTs, long maxTs)
    {
        Flags = flags;
        Count = count;
        AuxCount = aux;
        PayloadLength = payload;
        MinExperiment = minExp;
        MaxExperiment = maxExp;
        MinTimestamp = minTs;
        MaxTimestamp = maxTs;
    }

    /// <summary>Header plus payload.</summary>
    public int BlockLength => BlockFormat.HeaderSize + PayloadLength;

    /// <summary>Records that are events (not stored sticky assignments).</summary>
    public int EventCount => Count - AuxCount;

    /// <summary>Parses the fixed header; false when the magic, version or a range is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> span, out BlockHeader header)
    {
        header = default;
        if (span.Length < BlockFormat.HeaderSize
            || BinaryPrimitives.ReadUInt32LittleEndian(span) != BlockFormat.Magic
            || BinaryPrimitives.ReadUInt16LittleEndian(span[4..]) != BlockFormat.Version)
        {
            return false;
        }
        var flags = (BlockFlags)BinaryPrimitives.ReadUInt16LittleEndian(span[6..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        int aux = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        int payload = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
        if ((flags & ~BlockFlags.NumericUnitIds) != 0
            || count <= 0 || count > BlockFormat.MaxRecords
            || aux < 0 || aux > count
            || payload < 0 || payload > BlockFormat.MaxPayloadBytes
            || BinaryPrimitives.ReadInt32LittleEndian(span[28..]) != 0)
        {
            return false;
        }
        header = new BlockHeader(flags, count, aux, payload,
            BinaryPrimitives.ReadInt32LittleEndian(span[20..]), BinaryPrimitives.ReadInt32LittleEndian(span[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[32..]), BinaryPrimitives.ReadInt64LittleEndian(span[40..]));
        return true;
    }

    /// <summary>Raw (decoded) length of a column.</summary>
    public static int RawLength(ReadOnlySpan<byte> block, ColumnId column) =>
        BinaryPrimitives.ReadInt32LittleEndian(block[(BlockFormat.ColumnTableOffset + (int)column * 8)..]);

    /// <summary>Stored length of a column in the payload.</summary>
    public static int StoredLength(ReadOnlySpan<byte> block, ColumnId column) =>
        BinaryPrimitives.ReadInt32LittleEndian(block[(BlockFormat.ColumnTableOffset + (int)column * 8 + 4)..]);

    /// <summary>True when the block overlaps the filter (may still contain no matching record).</summary>
    public bool MayMatch(in EventScanFilter filter)
    {
        if (AuxCount == Count)
        {
            return false;
        }
        if (filter.Experiment is int e && (e < MinExperiment || e > MaxExperiment))
        {
            return false;
        }
        if (filter.FromMs is long from && MaxTimestamp < from)
        {
            return false;
        }
        return filter.ToMs is not long to || MinTimestamp < to;
    }
}

/// <summary>Throw helpers for malformed blocks.</summary>
internal static class BlockErrors
{
    [DoesNotReturn]
    [StackTraceHidden]
    public static void Invalid(string reason) => throw Create(reason);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidDataException Create(string reason) => new("Malformed column-log block: " + reason + ".");
}
