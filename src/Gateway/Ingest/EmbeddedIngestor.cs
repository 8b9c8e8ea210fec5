using System.Buffers;
using System.IO.Pipelines;
using Expothesis.Fast.Query;

namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>What the ingest path did with one batch: the parse outcome, whether the queue was full, and how many counted.</summary>
/// <param name="Parse">The parse outcome; nothing was applied unless it is <see cref="ParseOutcome.IsOk"/>.</param>
/// <param name="QueueFull">The engine's queue was full; nothing was applied.</param>
/// <param name="Accepted">Events that counted.</param>
public readonly record struct BatchIngestOutcome(ParseOutcome Parse, bool QueueFull, int Accepted);

/// <summary>The answer to an embedded batch: the same numbers as the HTTP response body.</summary>
/// <param name="Outcome">Parse outcome, queue state and accepted count.</param>
/// <param name="Rejected">Events rejected (exact).</param>
/// <param name="Duplicates">Events whose event_id was already seen (exact).</param>
/// <param name="Errors">The first <see cref="IngestRejections.MaxListed"/> rejections, by body index.</param>
public sealed record EmbeddedIngestResult(BatchIngestOutcome Outcome, int Rejected, int Duplicates, IReadOnlyList<IngestRejection> Errors)
{
    /// <summary>Events that counted.</summary>
    public int Accepted => Outcome.Accepted;
}

/// <summary>
/// Embedded mode's ingest: UTF-8 batches (JSON object with <c>events</c>, bare array, NDJSON or one event) into an
/// <see cref="ExpothesisEngine"/> without HTTP, through the same parser, limits and apply path as
/// <c>POST /api/v1/events/batch</c>. For tests, benchmarks and programs that host the engine themselves.
/// Thread-safe: each call rents its own parser state.
/// </summary>
public sealed class EmbeddedIngestor
{
    private readonly ExpothesisEngine _engine;
    private readonly EventIngestPool _pool;

    /// <summary>An ingestor over <paramref name="engine"/> with <paramref name="limits"/> (defaults when null).</summary>
    public EmbeddedIngestor(ExpothesisEngine engine, GatewayLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _pool = new EventIngestPool(limits ?? new GatewayLimits());
    }

    /// <summary>Parses and applies one batch; completes when its accepted events are durable.</summary>
    public async ValueTask<EmbeddedIngestResult> IngestAsync(ReadOnlyMemory<byte> utf8, BatchFormat format = BatchFormat.Json, CancellationToken cancellationToken = default)
    {
        var work = _pool.Rent();
        try
        {
            var reader = PipeReader.Create(new ReadOnlySequence<byte>(utf8));
            var outcome = await EventEndpoints.ParseAndApplyAsync(_engine, work, reader, format, cancellationToken).ConfigureAwait(false);
            var rejections = work.Rejections;
            return new EmbeddedIngestResult(outcome, rejections.Rejected, rejections.Duplicates, rejections.Listed.ToArray());
        }
        finally
        {
            _pool.Return(work);
        }
    }
}
