using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Columnar;

public sealed class ColumnLogRecoveryTests
{
    /// <summary>Writes <paramref name="blocks"/> blocks; returns every block's end position and the events per block.</summary>
    private static async Task<(List<long> Ends, List<List<StoredEvent>> Events)> WriteBlocksAsync(string dir, int blocks, ColumnLogOptions? options = null)
    {
        var ends = new List<long>();
        var events = new List<List<StoredEvent>>();
        var rng = new Random(blocks);
        long clock = 1_000_000;
        await using var log = ColumnLog.Open(dir, Durability.Fsync, options);
        using var batch = new EventBatch();
        for (int b = 0; b < blocks; b++)
        {
            batch.Clear();
            EventFactory.FillRealistic(batch, rng, 200, ref clock);
            events.Add(StoredEvent.FromBatch(batch));
            ends.Add(await log.AppendAsync(batch));
            Assert.Equal(ends[^1], log.DurablePosition);
        }
        return (ends, events);
    }

    private static List<StoredEvent> ReplayAll(IEventLog log)
    {
        var all = new List<StoredEvent>();
        log.Replay(0, (batch, _) => all.AddRange(StoredEvent.FromBatch(batch)));
        return all;
    }

    private static void FlipByte(string path, long offset)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        int b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ 0x5A));
    }

    [Fact]
    public async Task Reopening_after_close_continues_at_the_same_position()
    {
        using var dir = new TempDirectory();
        var (ends, events) = await WriteBlocksAsync(dir.Path, 5);
        await using var log = ColumnLog.Open(dir.Path, Durability.Fsync);
        Assert.Equal(ends[^1], log.DurablePosition);
        Assert.Equal(5 * 200L, log.EventCount);
        using var batch = new EventBatch();
        long clock = 9_000_000;
        EventFactory.FillRealistic(batch, new Random(1), 10, ref clock);
        long p = await log.AppendAsync(batch);
        Assert.True(p > ends[^1]);
        Assert.Equal(events.SelectMany(e => e).Concat(StoredEvent.FromBatch(batch)), ReplayAll(log));
    }

    [Theory]
    [InlineData(0)]      // magic
    [InlineData(17)]     // payload length
    [InlineData(60)]     // column table
    [InlineData(137)]    // CRC
    [InlineData(-1)]     // last payload byte
    [InlineData(-40)]    // inside the payload
    public async Task A_flipped_byte_in_the_last_block_is_detected_and_cut_off(int offsetInBlock)
    {
        using var dir = new TempDirectory();
        var (ends, events) = await WriteBlocksAsync(dir.Path, 4);
        long lastStart = ends[^2];
        long at = offsetInBlock >= 0 ? lastStart + offsetInBlock : ends[^1] + offsetInBlock;
        FlipByte(dir.Segments().Single(), at);

        var warnings = new List<string>();
        await using var log = ColumnLog.Open(dir.Path, Durability.Fsync, new ColumnLogOptions { Warning = warnings.Add });
        Assert.Equal(ends[^1] - lastStart, log.TruncatedBytesOnOpen);
        Assert.Equal(lastStart, log.DurablePosition);
        Assert.Single(warnings);
        Assert.Equal(events.Take(3).SelectMany(e => e), ReplayAll(log));
        Assert.Equal(lastStart, new FileInfo(dir.Segments().Single()).Length);
        Assert.Equal(3 * 200L, log.EventCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(200)]
    public async Task A_short_last_block_is_cut_off(int keepBytes)
    {
        using var dir = new TempDirectory();
        var (ends, events) = await WriteBlocksAsync(dir.Path, 3);
        using (var f = new FileStream(dir.Segments().Single(), FileMode.Open, FileAccess.ReadWrite))
        {
            f.SetLength(ends[^2] + keepBytes);
        }
        await using var log = ColumnLog.Open(dir.Path, Durability.Fsync);
        Assert.Equal(keepBytes, log.TruncatedBytesOnOpen);
        Assert.Equal(ends[^2], log.DurablePosition);
        Assert.Equal(events.Take(2).SelectMany(e => e), ReplayAll(log));

        using var batch = new EventBatch();
        long clock = 5;
        EventFactory.FillRealistic(batch, new Random(3), 7, ref clock);
        Assert.True(await log.AppendAsync(batch) > ends[^2]);
        Assert.Equal(events.Take(2).SelectMany(e => e).Concat(StoredEvent.FromBatch(batch)), ReplayAll(log));
    }

    [Fact]
    public async Task A_write_torn_at_any_byte_of_the_last_block_opens_to_the_block_before()
    {
        using var dir = new TempDirectory();
        var (ends, events) = await WriteBlocksAsync(dir.Path, 3);
        string segment = dir.Segments().Single();
        var full = await File.ReadAllBytesAsync(segment);
        var expected = events.Take(2).SelectMany(e => e).ToList();
        for (long cut = ends[1] + 1; cut < ends[2]; cut += 13)
        {
            await File.WriteAllBytesAsync(segment, full.AsSpan(0, (int)cut).ToArray());
            await using var log = ColumnLog.Open(dir.Path, Durability.Fsync);
            Assert.Equal(ends[1], log.DurablePosition);
            Assert.Equal(cut - ends[1], log.TruncatedBytesOnOpen);
            var replayed = new List<StoredEvent>();
            log.Replay(0, (batch, _) => replayed.AddRange(StoredEvent.FromBatch(batch)));
            Assert.Equal(expected, replayed);
        }
    }

    [Fact]
    public async Task A_zero_filled_tail_is_cut_off()
    {
        using var dir = new TempDirectory();
        var (ends, _) = await WriteBlocksAsync(dir.Path, 2);
        using (var f = new FileStream(dir.Segments().Single(), FileMode.Append))
        {
            f.Write(new byte[4096]);
        }
        await using var log = ColumnLog.Open(dir.Path, Durability.Fsync);
        Assert.Equal(ends[^1], log.DurablePosition);
        Assert.Equal(4096, log.TruncatedBytesOnOpen);
    }

    [Fact]
    public async Task An_intact_last_block_of_another_format_version_is_an_error_not_a_torn_tail()
    {
        using var dir = new TempDirectory();
        var (ends, _) = await WriteBlocksAsync(dir.Path, 2);
        string segment = dir.Segments().Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        var block = bytes.AsSpan((int)ends[0], (int)(ends[1] - ends[0]));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(block[4..], 99);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(block[136..], Expothesis.Fast.Storage.Columnar.Internal.BlockFormat.ComputeCrc(block));
        await File.WriteAllBytesAsync(segment, bytes);
        var e = Assert.Throws<ColumnLogCorruptionException>(() => ColumnLog.Open(dir.Path, Durability.Fsync));
        Assert.Equal(ends[0], e.Position);
        Assert.Contains("version 99", e.Message, StringComparison.Ordinal);
        Assert.Equal(ends[1], new FileInfo(segment).Length);
    }

    [Fact]
    public async Task Garbage_after_the_last_block_is_cut_off()
    {
        using var dir = new TempDirectory();
        var (ends, _) = await WriteBlocksAsync(dir.Path, 2);
        await File.AppendAllTextAsync(dir.Segments().Single(), "not a block at all, just a torn write");
        await using var log = ColumnLog.Open(dir.Path, Durability.Fsync);
        Assert.Equal(ends[^1], log.DurablePosition);
        Assert.True(log.TruncatedBytesOnOpen > 0);
    }

    [Fact]
    public async Task Corruption_in_the_middle_of_the_log_is_an_error_with_its_position()
    {
        using var dir = new TempDirectory();
        var (ends, _) = await WriteBlocksAsync(dir.Path, 5);
        FlipByte(dir.Segments().Single(), ends[1] + 150);
        var e = Assert.Throws<ColumnLogCorruptionException>(() => ColumnLog.Open(dir.Path, Durability.Fsync));
        Assert.Equal(ends[1], e.Position);
        Assert.Equal(ends[^1], new FileInfo(dir.Segments().Single()).Length);
    }

    [Fact]
    public async Task Corruption_in_an_earlier_segment_is_an_error_with_its_position()
    {
        using var dir = new TempDirectory();
        var (ends, _) = await WriteBlocksAsync(dir.Path, 12, new ColumnLogOptions { SegmentBytes = 4096 });
        var segments = dir.Segments();
        Assert.True(segments.Length >= 3);
        FlipByte(segments[0], 150);
        var e = Assert.Throws<ColumnLogCorruptionException>(() => ColumnLog.Open(dir.Path, Durability.Fsync));
        Assert.Equal(0, e.Position);
        Assert.Equal(ends[^1], dir.Segments().Sum(f => new FileInfo(f).Length));
    }

    [Fact]
    public async Task A_corrupt_last_block_of_the_last_segment_is_cut_off_when_segments_rolled()
    {
        using var dir = new TempDirectory();
        var (ends, events) = await WriteBlocksAsync(dir.Path, 12, new ColumnLogOptions { SegmentBytes = 4096 });
        FlipByte(dir.Segments()[^1], new FileInfo(dir.Segments()[^1]).Length - 3);
        await using var log = ColumnLog.Open(dir.Path, Durability.Fsync, new ColumnLogOptions { SegmentBytes = 4096 });
        Assert.Equal(ends[^2], log.DurablePosition);
        Assert.Equal(events.Take(11).SelectMany(e => e), ReplayAll(log));
    }

    [Fact]
    public async Task Durable_position_follows_every_append_and_the_in_memory_log_matches_the_disk_log()
    {
        using var dir = new TempDirectory();
        await using var disk = ColumnLog.Open(dir.Path, Durability.Flush);
        await using var memory = new InMemoryEventLog();
        Assert.Equal(0, disk.DurablePosition);
        Assert.Equal(0, memory.DurablePosition);
        var rng = new Random(8);
        long clock = 0;
        using var batch = new EventBatch();
        for (int i = 0; i < 10; i++)
        {
            batch.Clear();
            EventFactory.FillRandom(batch, rng, 50, ref clock);
            long p = await disk.AppendAsync(batch);
            Assert.Equal(p, disk.DurablePosition);
            Assert.Equal(p, await memory.AppendAsync(batch));
            Assert.Equal(p, memory.DurablePosition);
            Assert.Equal(p, new FileInfo(dir.Segments().Single()).Length);
        }
    }

    [Fact]
    public async Task A_directory_open_by_one_log_cannot_be_opened_by_another_until_it_is_closed()
    {
        using var dir = new TempDirectory();
        var first = ColumnLog.Open(dir.Path, Durability.Flush);
        Assert.Throws<IOException>(() => ColumnLog.Open(dir.Path, Durability.Flush));
        await first.DisposeAsync();
        await using var second = ColumnLog.Open(dir.Path, Durability.Flush);
        Assert.Equal(0, second.DurablePosition);
    }

    [Fact]
    public async Task Event_logs_create_picks_the_log_for_the_durability()
    {
        using var dir = new TempDirectory();
        await using (var a = EventLogs.Create(null, Durability.Fsync))
        {
            Assert.IsType<InMemoryEventLog>(a);
        }
        await using (var b = EventLogs.Create(dir.Path, Durability.None))
        {
            Assert.IsType<InMemoryEventLog>(b);
        }
        await using (var c = EventLogs.Create(dir.Path, Durability.Fsync))
        {
            Assert.IsType<ColumnLog>(c);
        }
    }
}

public sealed class NativeFileTests
{
    [Fact]
    public void Data_sync_of_a_file_and_sync_of_its_directory_go_through_libc()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "f");
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            RandomAccess.Write(handle, "data"u8, 0);
            Expothesis.Fast.Storage.Columnar.Internal.NativeFile.DataSync(handle);
        }
        Expothesis.Fast.Storage.Columnar.Internal.NativeFile.SyncDirectory(dir.Path);
        Assert.Equal(4, new FileInfo(path).Length);
    }
}
