namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>
/// Every size limit of the ingest path in one place (configuration section
/// <see cref="SectionName"/>). Setters validate their value; <see cref="Validate"/> checks the
/// limits against each other (called on start-up).
/// </summary>
public sealed class GatewayLimits
{
    /// <summary>The configuration section: <c>Expothesis:Limits</c>.</summary>
    public const string SectionName = "Expothesis:Limits";

    /// <summary>Default <see cref="MaxBodyBytes"/>: 16 MiB.</summary>
    public const long DefaultMaxBodyBytes = 16L * 1024 * 1024;
    /// <summary>Default <see cref="MaxEventsPerBatch"/>: 10,000.</summary>
    public const int DefaultMaxEventsPerBatch = 10_000;
    /// <summary>Default <see cref="MaxEventBytes"/>: 32 KiB.</summary>
    public const int DefaultMaxEventBytes = 32 * 1024;
    /// <summary>Default <see cref="MaxIdBytes"/>: 256.</summary>
    public const int DefaultMaxIdBytes = 256;
    /// <summary>Default <see cref="MaxDepth"/>: 16.</summary>
    public const int DefaultMaxDepth = 16;

    private long _maxBodyBytes = DefaultMaxBodyBytes;
    private int _maxEventsPerBatch = DefaultMaxEventsPerBatch;
    private int _maxEventBytes = DefaultMaxEventBytes;
    private int _maxIdBytes = DefaultMaxIdBytes;
    private int _maxDepth = DefaultMaxDepth;

    /// <summary>Largest request body in bytes, after decompression (1 KiB .. 1 GiB; default 16 MiB). Over it: 413.</summary>
    public long MaxBodyBytes
    {
        get => _maxBodyBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024L);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1L << 30);
            _maxBodyBytes = value;
        }
    }

    /// <summary>Most events in one batch (1 .. 1,000,000; default 10,000). Over it: 413.</summary>
    public int MaxEventsPerBatch
    {
        get => _maxEventsPerBatch;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1_000_000);
            _maxEventsPerBatch = value;
        }
    }

    /// <summary>Largest single event object in bytes (64 .. 1 MiB; default 32 KiB). Over it: that event is rejected <c>field_too_long</c>.</summary>
    public int MaxEventBytes
    {
        get => _maxEventBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1 << 20);
            _maxEventBytes = value;
        }
    }

    /// <summary>
    /// Longest id in bytes after unescaping (8 .. 4096; default 256): user id, event id, experiment
    /// id or key, metric name, variant key. Over it: that event is rejected <c>field_too_long</c>.
    /// </summary>
    public int MaxIdBytes
    {
        get => _maxIdBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 8);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 4096);
            _maxIdBytes = value;
        }
    }

    /// <summary>Deepest JSON nesting (4 .. 64; default 16). Deeper: the body is malformed (400).</summary>
    public int MaxDepth
    {
        get => _maxDepth;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 4);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 64);
            _maxDepth = value;
        }
    }

    /// <summary>Checks the limits against each other; returns an error message, or null when they are consistent.</summary>
    public string? Validate()
    {
        if (MaxIdBytes > MaxEventBytes)
        {
            return "Expothesis:Limits:MaxIdBytes must not exceed MaxEventBytes.";
        }
        if (MaxEventBytes > MaxBodyBytes)
        {
            return "Expothesis:Limits:MaxEventBytes must not exceed MaxBodyBytes.";
        }
        return null;
    }
}
