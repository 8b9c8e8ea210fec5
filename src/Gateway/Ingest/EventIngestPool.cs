using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>
/// The per-request ingest state (parser, batch, rejections, engine outcomes), pooled so that a request
/// allocates none of it. Thread-safe; at most <see cref="MaxPooled"/> idle instances are kept.
/// </summary>
public sealed class EventIngestPool
{
    /// <summary>Idle instances kept for reuse.</summary>
    public const int MaxPooled = 64;

    private readonly ConcurrentQueue<IngestWork> _idle = new();
    private int _idleCount;

    /// <summary>Creates a pool whose parsers use <paramref name="limits"/>.</summary>
    public EventIngestPool(GatewayLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits;
    }

    /// <summary>The limits every parser of this pool enforces.</summary>
    public GatewayLimits Limits { get; }

    /// <summary>Takes an instance (new when none is idle).</summary>
    public IngestWork Rent()
    {
        if (_idle.TryDequeue(out var work))
        {
            Interlocked.Decrement(ref _idleCount);
            return work;
        }
        return new IngestWork(Limits);
    }

    /// <summary>Gives an instance back (its batch is cleared; an instance over the pool size is disposed).</summary>
    public void Return(IngestWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        work.Batch.Clear();
        if (Interlocked.Increment(ref _idleCount) <= MaxPooled)
        {
            _idle.Enqueue(work);
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        work.Batch.Dispose();
    }
}

/// <summary>One request's ingest state.</summary>
public sealed class IngestWork
{
    private RejectionCode[] _outcomes = new RejectionCode[256];
    private Utf8JsonWriter? _writer;

    internal IngestWork(GatewayLimits limits)
    {
        Parser = new BatchParser(limits);
        Batch = new EventBatch(256, 16 * 1024);
        Rejections = new IngestRejections();
    }

    /// <summary>The parser.</summary>
    public BatchParser Parser { get; }

    /// <summary>The parsed records.</summary>
    public EventBatch Batch { get; }

    /// <summary>Parser and engine rejections, by body index.</summary>
    public IngestRejections Rejections { get; }

    /// <summary>A JSON writer over <paramref name="output"/> (reused across requests).</summary>
    public Utf8JsonWriter Writer(IBufferWriter<byte> output)
    {
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output);
        }
        else
        {
            _writer.Reset(output);
        }
        return _writer;
    }

    /// <summary>The engine's outcome per record, cleared, for <paramref name="count"/> records.</summary>
    public Memory<RejectionCode> Outcomes(int count)
    {
        if (_outcomes.Length < count)
        {
            _outcomes = new RejectionCode[Math.Max(count, _outcomes.Length * 2)];
        }
        Array.Clear(_outcomes, 0, count);
        return _outcomes.AsMemory(0, count);
    }
}
