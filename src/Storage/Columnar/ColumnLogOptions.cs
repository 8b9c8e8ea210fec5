namespace Expothesis.Fast.Storage.Columnar;

/// <summary>Tuning of a <see cref="ColumnLog"/>.</summary>
public sealed class ColumnLogOptions
{
    private long _segmentBytes = 256L << 20;
    private int _maxBlockRecords = 65_536;
    private int _queueCapacity = 4_096;

    /// <summary>A segment file is rolled before a block would take it past this size (default 256 MiB).</summary>
    public long SegmentBytes
    {
        get => _segmentBytes;
        set => _segmentBytes = value >= 1024 ? value : throw new ArgumentOutOfRangeException(nameof(value), "At least 1024 bytes.");
    }

    /// <summary>A commit group stops taking batches once it holds this many records (default 65,536).</summary>
    public int MaxBlockRecords
    {
        get => _maxBlockRecords;
        set => _maxBlockRecords = value is >= 1 and <= 1 << 24 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Appends waiting for the writer; further appends wait for room (default 4,096).</summary>
    public int QueueCapacity
    {
        get => _queueCapacity;
        set => _queueCapacity = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Receives warnings, e.g. a torn last block cut off at open. Null: ignored.</summary>
    public Action<string>? Warning { get; set; }
}

/// <summary>The log is damaged somewhere other than its torn tail; it cannot be read past <see cref="Position"/>.</summary>
public sealed class ColumnLogCorruptionException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ColumnLogCorruptionException(long position, string message, Exception? inner = null)
        : base($"Column log corrupt at position {position}: {message}", inner) => Position = position;

    /// <summary>The log position of the damaged block.</summary>
    public long Position { get; }
}
