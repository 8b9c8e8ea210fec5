using System.Buffers.Binary;
using System.Numerics;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>
/// The engine's part of a checkpoint: the log position it includes, the FASTER checkpoint token and store
/// generation, every shard's sums and hour buckets, and the stored-assignment mirror; CRC32C-sealed.
/// </summary>
internal sealed class CheckpointFile
{
    private const ulong Magic = 0x3254504B43505845UL; // "EXPCKPT2" (two store tokens)

    public long Sequence { get; init; }
    public int Generation { get; init; }
    public StoreToken Token { get; init; }
    public long LogPosition { get; init; }
    public ExperimentSums?[][] Shards { get; init; } = [];
    public List<(int Experiment, ulong Unit, short Variant)> Stored { get; init; } = [];

    public static string FileName(long sequence) => $"ckpt-{sequence:D12}.bin";

    /// <summary>Serializes the engine's part of a checkpoint (sums are read as they are now: call at the cut).</summary>
    public static byte[] Serialize(long sequence, int generation, StoreToken token, long position, Shard[] shards, StoredAssignments stored)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(sequence);
            w.Write(generation);
            w.Write(token.Units.ToByteArray());
            w.Write(token.Seen.ToByteArray());
            w.Write(position);
            w.Write(shards.Length);
            foreach (var shard in shards)
            {
                var exps = shard.Experiments;
                w.Write(exps.Length);
                foreach (var e in exps)
                {
                    w.Write(e is not null);
                    if (e is null)
                    {
                        continue;
                    }
                    w.Write(e.Variants);
                    w.Write(e.Metrics);
                    w.Write(e.LastEventMs);
                    WriteSums(w, e.Units, e.Cells);
                    lock (e.HourLock)
                    {
                        w.Write(e.Hours.Count);
                        foreach (var h in e.Hours.Values)
                        {
                            w.Write(h.HourStartMs);
                            WriteSums(w, h.Units, h.Cells);
                        }
                    }
                }
            }
            var entries = stored.Entries.ToList();
            w.Write(entries.Count);
            foreach (var kv in entries)
            {
                w.Write(kv.Key.Experiment);
                w.Write(kv.Key.Unit);
                w.Write(kv.Value);
            }
        }
        uint crc = Crc(ms.GetBuffer().AsSpan(0, (int)ms.Length));
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, crc);
        ms.Write(tail);
        return ms.ToArray();
    }

    /// <summary>Writes serialized checkpoint bytes durably under <paramref name="path"/> (temp file, fsync, rename).</summary>
    public static void Write(string path, byte[] bytes)
    {
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static void WriteSums(BinaryWriter w, long[] units, MomentCell[] cells)
    {
        foreach (long u in units)
        {
            w.Write(u);
        }
        w.Write(cells.Length);
        foreach (ref readonly var c in cells.AsSpan())
        {
            w.Write(c.N);
            w.Write(c.S1);
            w.Write(c.C1);
            w.Write(c.S2);
            w.Write(c.C2);
        }
    }

    /// <summary>Reads and verifies a checkpoint file; null when it is missing, torn or corrupt.</summary>
    public static CheckpointFile? TryRead(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return null;
        }
        if (bytes.Length < 12 || Crc(bytes.AsSpan(0, bytes.Length - 4)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)))
        {
            return null;
        }
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 4));
            if (r.ReadUInt64() != Magic)
            {
                return null;
            }
            long seq = r.ReadInt64();
            int gen = r.ReadInt32();
            var token = new StoreToken(new Guid(r.ReadBytes(16)), new Guid(r.ReadBytes(16)));
            long pos = r.ReadInt64();
            int shardCount = r.ReadInt32();
            var shards = new ExperimentSums?[shardCount][];
            for (int s = 0; s < shardCount; s++)
            {
                var exps = new ExperimentSums?[r.ReadInt32()];
                for (int e = 0; e < exps.Length; e++)
                {
                    if (!r.ReadBoolean())
                    {
                        continue;
                    }
                    int variants = r.ReadInt32(), metrics = r.ReadInt32();
                    var sums = new ExperimentSums(variants, metrics) { LastEventMs = r.ReadInt64() };
                    ReadSums(r, sums.Units, sums.Cells);
                    int hours = r.ReadInt32();
                    for (int h = 0; h < hours; h++)
                    {
                        var hour = sums.AddHour(r.ReadInt64());
                        ReadSums(r, hour.Units, hour.Cells);
                    }
                    exps[e] = sums;
                }
                shards[s] = exps;
            }
            int storedCount = r.ReadInt32();
            var stored = new List<(int, ulong, short)>(storedCount);
            for (int i = 0; i < storedCount; i++)
            {
                stored.Add((r.ReadInt32(), r.ReadUInt64(), r.ReadInt16()));
            }
            return new CheckpointFile { Sequence = seq, Generation = gen, Token = token, LogPosition = pos, Shards = shards, Stored = stored };
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private static void ReadSums(BinaryReader r, long[] units, MomentCell[] cells)
    {
        for (int i = 0; i < units.Length; i++)
        {
            units[i] = r.ReadInt64();
        }
        int n = r.ReadInt32();
        if (n != cells.Length)
        {
            throw new EndOfStreamException();
        }
        for (int i = 0; i < n; i++)
        {
            cells[i] = new MomentCell { N = r.ReadInt64(), S1 = r.ReadDouble(), C1 = r.ReadDouble(), S2 = r.ReadDouble(), C2 = r.ReadDouble() };
        }
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }
        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }
        return ~crc;
    }
}
