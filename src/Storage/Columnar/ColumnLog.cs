using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Expothesis.Fast.Storage.Columnar.Internal;
using Expothesis.Fast.Storage.Ingest;
using Microsoft.Win32.SafeHandles;

namespace Expothesis.Fast.Storage.Columnar;

/// <summary>
/// The append-only LZ4 column log on disk: the write-ahead log and the event archive. Segment files
/// <c>seg-&lt;start position&gt;.xlog</c> hold blocks; a position is a byte offset over the whole log.
/// A single writer takes the queued appends as one commit group, encodes them as ONE block (one
/// LZ4-compressed column per field, CRC32C), writes it, fdatasyncs it under <see cref="Durability.Fsync"/>,
/// and then completes every append of the group with the position after the block.
/// </summary>
public sealed partial class ColumnLog : IEventArchiveLog
{
    private const string SegmentPrefix = "seg-";
    private const string SegmentSuffix = ".xlog";

    private readonly string _directory;
    private readonly Durability _durability;
    private readonly ColumnLogOptions _options;
    private readonly Lock _segmentsLock = new();
    private readonly List<SegmentFile> _segments;
    private readonly Channel<AppendRequest> _queue;
    private readonly ConcurrentQueue<AppendRequest> _requestPool = new();
    private readonly BlockEncoder _encoder = new();
    private readonly List<AppendRequest> _group = [];
    private readonly Task _writer;
    private SafeFileHandle _active;
    private long _activeLength;
    private long _position;
    private long _durablePosition;
    private long _eventCount;
    private byte[] _blockBuffer = [];
    private Exception? _fault;
    private int _disposed;
    private readonly FileStream _lock;

    private ColumnLog(string directory, Durability durability, ColumnLogOptions options, List<SegmentFile> segments,
        long end, long eventCount, long truncated, FileStream directoryLock)
    {
        _lock = directoryLock;
        _directory = directory;
        _durability = durability;
        _options = options;
        _segments = segments;
        _position = end;
        _durablePosition = end;
        _eventCount = eventCount;
        TruncatedBytesOnOpen = truncated;
        var last = segments[^1];
        _active = File.OpenHandle(last.Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        _activeLength = end - last.Start;
        _queue = Channel.CreateBounded<AppendRequest>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The directory holding the segment files.</summary>
    public string Directory => _directory;

    /// <summary>The durability appends wait for.</summary>
    public Durability Durability => _durability;

    /// <summary>Bytes of a torn or corrupt final block cut off when the log was opened (0 when clean).</summary>
    public long TruncatedBytesOnOpen { get; }

    /// <inheritdoc />
    public long DurablePosition => Volatile.Read(ref _durablePosition);

    /// <inheritdoc />
    public long SizeOnDiskBytes => Volatile.Read(ref _durablePosition);

    /// <inheritdoc />
    public long EventCount => Volatile.Read(ref _eventCount);

    /// <summary>Number of segment files.</summary>
    public int SegmentCount
    {
        get
        {
            lock (_segmentsLock)
            {
                return _segments.Count;
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the log in <paramref name="directory"/>: verifies every block's length and CRC,
    /// cuts off a torn or corrupt final block (see <see cref="TruncatedBytesOnOpen"/>), and throws
    /// <see cref="ColumnLogCorruptionException"/> for damage anywhere before the end.
    /// <see cref="Durability.None"/> writes to the OS like <see cref="Durability.Flush"/>; use
    /// <see cref="InMemoryEventLog"/> (or <see cref="EventLogs.Create"/>) to keep nothing on disk.
    /// </summary>
    public static ColumnLog Open(string directory, Durability durability, ColumnLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new ColumnLogOptions();
        System.IO.Directory.CreateDirectory(directory);
        var directoryLock = AcquireLock(directory);
        try
        {
            return OpenLocked(directory, durability, options, directoryLock);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    private static ColumnLog OpenLocked(string directory, Durability durability, ColumnLogOptions options, FileStream directoryLock)
    {
        var segments = ListSegments(directory);
        long eventCount = 0;
        long truncated = 0;
        long end = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Start != end)
            {
                throw new ColumnLogCorruptionException(end, $"segment {Path.GetFileName(segment.Path)} does not start where the previous one ends");
            }
            bool last = i == segments.Count - 1;
            long valid = ScanSegment(segment, last, ref eventCount, out long cut);
            if (cut > 0)
            {
                truncated = cut;
                options.Warning?.Invoke($"Column log: cut a torn or corrupt final block of {cut} bytes at position {segment.Start + valid}.");
            }
            end = segment.Start + valid;
        }
        if (segments.Count == 0)
        {
            var first = new SegmentFile(0, SegmentPath(directory, 0));
            File.WriteAllBytes(first.Path, []);
            if (durability == Durability.Fsync)
            {
                NativeFile.SyncDirectory(directory);
            }
            segments.Add(first);
        }
        return new ColumnLog(directory, durability, options, segments, end, eventCount, truncated, directoryLock);
    }

    /// <inheritdoc />
    public ValueTask<long> AppendAsync(EventBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count > BlockFormat.MaxRecords)
        {
            throw new ArgumentException("Batch too large for one column-log block.", nameof(batch));
        }
        if (_fault is { } fault)
        {
            return ValueTask.FromException<long>(new IOException("The column log failed earlier.", fault));
        }
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var request = AppendRequest.Rent(_requestPool, batch);
        if (_queue.Writer.TryWrite(request))
        {
            return request.Task;
        }
        return EnqueueSlowAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public void Replay(long fromPosition, Action<EventBatch, long> onBlock)
    {
        using var source = CreateSource(fromPosition);
        LogReplay.Run(source, onBlock);
    }

    /// <inheritdoc />
    public EventLogCursor OpenCursor(EventScanFilter filter) => new(CreateSource(0), filter);

    /// <summary>Waits for the queued appends, syncs and closes the segment file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _queue.Writer.TryComplete();
        try
        {
            await _writer.ConfigureAwait(false);
        }
        finally
        {
            if (_fault is null && _durability != Durability.None)
            {
                NativeFile.DataSync(_active);
            }
            _active.Dispose();
            _lock.Dispose();
            _encoder.Dispose();
            if (_blockBuffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_blockBuffer);
                _blockBuffer = [];
            }
        }
    }

    private FileBlockSource CreateSource(long fromPosition)
    {
        long end = DurablePosition;
        ArgumentOutOfRangeException.ThrowIfNegative(fromPosition);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromPosition, end);
        SegmentFile[] segments;
        lock (_segmentsLock)
        {
            segments = [.. _segments];
        }
        return new FileBlockSource(segments, fromPosition, end);
    }

    private async ValueTask<long> EnqueueSlowAsync(AppendRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw _fault is { } fault ? new IOException("The column log failed earlier.", fault) : new ObjectDisposedException(nameof(ColumnLog), e);
        }
        return await request.Task.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _encoder.Reset();
                while (reader.TryPeek(out var next)
                    && (_group.Count == 0
                        || (_encoder.Count < _options.MaxBlockRecords && _encoder.Count + next.Batch!.Count <= BlockFormat.MaxRecords)))
                {
                    reader.TryRead(out _);
                    _group.Add(next);
                    _encoder.Add(next.Batch!);
                }
                Commit();
            }
        }
        catch (Exception e)
        {
            _fault = e;
            _queue.Writer.TryComplete(e);
            var error = new IOException("The column log failed to write.", e);
            foreach (var request in _group)
            {
                request.Fail(error);
            }
            _group.Clear();
            while (reader.TryRead(out var request))
            {
                request.Fail(error);
            }
        }
    }

    private void Commit()
    {
        if (_encoder.Count > 0)
        {
            int length = _encoder.Encode(ref _blockBuffer);
            if (_activeLength > 0 && _activeLength + length > _options.SegmentBytes)
            {
                Roll();
            }
            RandomAccess.Write(_active, _blockBuffer.AsSpan(0, length), _activeLength);
            if (_durability == Durability.Fsync)
            {
                NativeFile.DataSync(_active);
            }
            _activeLength += length;
            _position += length;
            Interlocked.Add(ref _eventCount, _encoder.EventCount);
            Volatile.Write(ref _durablePosition, _position);
        }
        foreach (var request in _group)
        {
            request.Complete(_position);
        }
        _group.Clear();
    }

    private void Roll()
    {
        var segment = new SegmentFile(_position, SegmentPath(_directory, _position));
        var handle = File.OpenHandle(segment.Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        if (_durability == Durability.Fsync)
        {
            NativeFile.SyncDirectory(_directory);
        }
        _active.Dispose();
        _active = handle;
        _activeLength = 0;
        lock (_segmentsLock)
        {
            _segments.Add(segment);
        }
    }

    /// <summary>One writer per directory: an exclusive lock file (flock on Linux), released on dispose or process exit.</summary>
    private static FileStream AcquireLock(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, "xlog.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The column log in {directory} is already open (xlog.lock is held).", e);
        }
    }

    private static string SegmentPath(string directory, long start) =>
        Path.Combine(directory, SegmentPrefix + start.ToString("D12", CultureInfo.InvariantCulture) + SegmentSuffix);

    private static List<SegmentFile> ListSegments(string directory)
    {
        var segments = new List<SegmentFile>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, SegmentPrefix + "*" + SegmentSuffix))
        {
            var name = Path.GetFileName(path.AsSpan());
            var digits = name[SegmentPrefix.Length..^SegmentSuffix.Length];
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long start))
            {
                segments.Add(new SegmentFile(start, path));
            }
        }
        segments.Sort((a, b) => a.Start.CompareTo(b.Start));
        return segments;
    }

    /// <summary>
    /// Verifies a segment block by block; returns the length of its valid prefix. A bad block in the
    /// last segment with no valid block after it is a torn tail: the file is cut there (<paramref name="cut"/>
    /// bytes). Any other bad block is corruption.
    /// </summary>
    private static long ScanSegment(SegmentFile segment, bool last, ref long eventCount, out long cut)
    {
        cut = 0;
        long length = new FileInfo(segment.Path).Length;
        long offset = 0;
        using (var reader = new SegmentReader(segment.Path, length, 4 << 20))
        {
            while (offset < length)
            {
                if (TryValidateBlock(reader, offset, out var header))
                {
                    eventCount += header.EventCount;
                    offset += header.BlockLength;
                    continue;
                }
                if (IsOtherVersionBlock(reader, offset, out int version))
                {
                    throw new ColumnLogCorruptionException(segment.Start + offset, $"intact block of unsupported format version {version}");
                }
                if (!last)
                {
                    throw new ColumnLogCorruptionException(segment.Start + offset, "bad block in a segment that is not the last");
                }
                long later = FindValidBlock(reader, offset + 1);
                if (later >= 0)
                {
                    throw new ColumnLogCorruptionException(segment.Start + offset, $"bad block followed by a valid one at {segment.Start + later}");
                }
                break;
            }
        }
        if (offset < length)
        {
            cut = length - offset;
            using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            file.SetLength(offset);
            file.Flush(flushToDisk: true);
        }
        return offset;
    }

    private static bool TryValidateBlock(SegmentReader reader, long offset, out BlockHeader header)
    {
        var head = reader.Read(offset, BlockFormat.HeaderSize);
        if (head.Length < BlockFormat.HeaderSize || !BlockHeader.TryParse(head, out header) || offset + header.BlockLength > reader.Limit)
        {
            header = default;
            return false;
        }
        var block = reader.Read(offset, header.BlockLength);
        return block.Length == header.BlockLength && BlockFormat.CrcMatches(block);
    }

    /// <summary>A block with a valid CRC written in another format version: never cut off as a torn tail.</summary>
    private static bool IsOtherVersionBlock(SegmentReader reader, long offset, out int version)
    {
        version = 0;
        var head = reader.Read(offset, BlockFormat.HeaderSize);
        if (head.Length < BlockFormat.HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(head) != BlockFormat.Magic)
        {
            return false;
        }
        version = BinaryPrimitives.ReadUInt16LittleEndian(head[4..]);
        long payload = BinaryPrimitives.ReadInt32LittleEndian(head[16..]);
        if (version == BlockFormat.Version || payload < 0 || payload > BlockFormat.MaxPayloadBytes
            || offset + BlockFormat.HeaderSize + payload > reader.Limit)
        {
            return false;
        }
        var block = reader.Read(offset, (int)(BlockFormat.HeaderSize + payload));
        return block.Length == BlockFormat.HeaderSize + payload && BlockFormat.CrcMatches(block);
    }

    private static long FindValidBlock(SegmentReader reader, long from)
    {
        Span<byte> magic = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, BlockFormat.Magic);
        for (long offset = from; offset + BlockFormat.HeaderSize <= reader.Limit; offset++)
        {
            var head = reader.Read(offset, 4);
            if (head.SequenceEqual(magic) && TryValidateBlock(reader, offset, out _))
            {
                return offset;
            }
        }
        return -1;
    }
}
