using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Ingest;
using Xunit.Abstractions;

namespace Expothesis.Fast.Storage.Tests.Columnar;

public sealed class ColumnLogFileFuzzTests(ITestOutputHelper output)
{
    private static readonly ColumnLogOptions s_smallSegments = new() { SegmentBytes = 3000 };

    private static async Task<List<List<StoredEvent>>> WriteAsync(string dir, int blocks, int seed)
    {
        var perBlock = new List<List<StoredEvent>>();
        var rng = new Random(seed);
        long clock = 0;
        await using var log = ColumnLog.Open(dir, Durability.Flush, s_smallSegments);
        using var batch = new EventBatch();
        for (int b = 0; b < blocks; b++)
        {
            batch.Clear();
            EventFactory.FillRandom(batch, rng, rng.Next(1, 40), ref clock);
            perBlock.Add(StoredEvent.FromBatch(batch));
            await log.AppendAsync(batch);
        }
        return perBlock;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from, "seg-*.xlog"))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
    }

    [Theory]
    [InlineData(201)]
    [InlineData(202)]
    public async Task Damaged_segment_files_open_to_a_prefix_of_the_blocks_or_fail_with_a_corruption_error(int seed)
    {
        output.WriteLine($"seed {seed}");
        using var root = new TempDirectory();
        string original = Path.Combine(root.Path, "original");
        var perBlock = await WriteAsync(original, 25, seed);
        var rng = new Random(seed);
        int opened = 0, refused = 0;
        for (int round = 0; round < 60; round++)
        {
            string dir = Path.Combine(root.Path, "r" + round);
            CopyDirectory(original, dir);
            var segments = Directory.GetFiles(dir, "seg-*.xlog").Order(StringComparer.Ordinal).ToArray();
            string victim = rng.Next(3) == 0 ? segments[^1] : segments[rng.Next(segments.Length)];
            var bytes = await File.ReadAllBytesAsync(victim);
            switch (rng.Next(3))
            {
                case 0:
                    for (int f = rng.Next(1, 4); f > 0 && bytes.Length > 0; f--)
                    {
                        bytes[rng.Next(bytes.Length)] ^= (byte)rng.Next(1, 256);
                    }
                    break;
                case 1:
                    bytes = bytes.AsSpan(0, rng.Next(bytes.Length)).ToArray();
                    break;
                default:
                    var garbage = new byte[rng.Next(1, 300)];
                    rng.NextBytes(garbage);
                    bytes = [.. bytes, .. garbage];
                    break;
            }
            await File.WriteAllBytesAsync(victim, bytes);

            try
            {
                await using var log = ColumnLog.Open(dir, Durability.Flush, s_smallSegments);
                var replayed = new List<StoredEvent>();
                log.Replay(0, (batch, _) => replayed.AddRange(StoredEvent.FromBatch(batch)));
                int blocks = 0;
                int seen = 0;
                while (blocks < perBlock.Count && seen + perBlock[blocks].Count <= replayed.Count)
                {
                    seen += perBlock[blocks++].Count;
                }
                Assert.Equal(perBlock.Take(blocks).SelectMany(b => b), replayed);
                Assert.Equal(replayed.Count(e => e.Metric != -2), log.EventCount);
                opened++;
            }
            catch (ColumnLogCorruptionException e)
            {
                Assert.InRange(e.Position, 0, perBlock.Count * 100_000L);
                refused++;
            }
        }
        output.WriteLine($"opened {opened}, refused {refused}");
        Assert.True(opened > 0 && refused > 0);
    }

    [Fact]
    public async Task Damage_done_while_the_log_is_open_is_reported_by_replay_and_cursors_with_its_position()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 6, 3);
        await using var log = ColumnLog.Open(dir.Path, Durability.Flush, s_smallSegments);
        var ends = new List<long>();
        log.Replay(0, (_, end) => ends.Add(end));
        string first = dir.Segments()[0];
        var bytes = await File.ReadAllBytesAsync(first);
        bytes[(int)ends[0] + 200] ^= 0xFF;
        await File.WriteAllBytesAsync(first, bytes);

        var e = Assert.Throws<ColumnLogCorruptionException>(() => log.Replay(0, (_, _) => { }));
        Assert.Equal(ends[0], e.Position);
        using var cursor = log.OpenCursor(EventScanFilter.All);
        var c = Assert.Throws<ColumnLogCorruptionException>(() =>
        {
            while (cursor.TryReadNext(out _, out _, out _))
            {
            }
        });
        Assert.Equal(ends[0], c.Position);
    }
}
