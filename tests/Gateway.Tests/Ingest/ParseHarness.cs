using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

/// <summary>The observable result of one parse, for comparing parses of differently segmented bodies.</summary>
internal sealed record ParseResult(ParseOutcome Outcome, IReadOnlyList<ParsedEvent> Records, IngestRejection[] Listed, int[] Counts, int Rejected)
{
    /// <summary>Everything observable but the message of a syntax error (the reader quotes the partial literal it saw, which depends on segmentation).</summary>
    public string Dump()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Outcome.Status} events={Outcome.EventCount} offset={Outcome.ErrorOffset} http={Outcome.HttpStatusCode}\n");
        foreach (var r in Records)
        {
            sb.Append(r.ToString()).Append('\n');
        }
        sb.Append("rejected=").Append(Rejected).Append(" counts=").Append(string.Join(",", Counts)).Append('\n');
        foreach (var l in Listed)
        {
            sb.Append(l.ToString()).Append('\n');
        }
        return sb.ToString();
    }

    public ParseResult AssertOk()
    {
        Assert.True(Outcome.Status == ParseStatus.Ok, Dump());
        return this;
    }

    public IngestRejection Rejection(int index) => Listed.Single(l => l.Index == index);
}

/// <summary>One record as parsed, with its ids decoded and its body index.</summary>
internal sealed record ParsedEvent(int BodyIndex, int Experiment, int Metric, int Variant, double Value, long TimestampMs,
    string UnitId, ulong UnitHash, string EventId, ulong EventIdHash);

/// <summary>Feeds a body to a <see cref="BatchParser"/> through a real <see cref="Pipe"/>, in chosen segments.</summary>
internal static class ParseHarness
{
    public const long ReceiveTimeMs = 1_764_000_000_000;

    public static ParseResult Parse(string body, BatchFormat format = BatchFormat.Json, GatewayLimits? limits = null, IIngestSchema? schema = null) =>
        Parse(Encoding.UTF8.GetBytes(body), [], format, interleave: false, limits, schema);

    /// <summary>
    /// Writes <paramref name="body"/> cut at <paramref name="cuts"/> into a pipe, one pipe segment per piece.
    /// With <paramref name="interleave"/> the parser starts after the first piece and resumes after
    /// every further piece (so it sees partial data); otherwise all pieces are written first (one
    /// multi-segment read).
    /// </summary>
    public static ParseResult Parse(byte[] body, int[] cuts, BatchFormat format, bool interleave, GatewayLimits? limits = null, IIngestSchema? schema = null)
    {
        var pipe = new Pipe(new PipeOptions(pool: new ExactPool(), readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, minimumSegmentSize: 1, useSynchronizationContext: false));
        var pieces = new List<ReadOnlyMemory<byte>>();
        int from = 0;
        foreach (int cut in cuts)
        {
            pieces.Add(body.AsMemory(from, cut - from));
            from = cut;
        }
        pieces.Add(body.AsMemory(from));

        var parser = new BatchParser(limits ?? new GatewayLimits());
        using var batch = new EventBatch(4, 16);
        var rejections = new IngestRejections();
        parser.Reset(schema ?? FakeSchema.Standard(), batch, rejections, format, ReceiveTimeMs);

        Task<ParseOutcome>? parsing = null;
        bool started = false;
        foreach (var piece in pieces)
        {
            Write(pipe.Writer, piece.Span);
            if (interleave && !started)
            {
                parsing = parser.ParseAsync(pipe.Reader, CancellationToken.None).AsTask();
                started = true;
            }
        }
        pipe.Writer.Complete();
        if (!started)
        {
            parsing = parser.ParseAsync(pipe.Reader, CancellationToken.None).AsTask();
        }
        Assert.True(parsing!.IsCompleted, "with inline schedulers the parse completes when the writer completes");
        ParseOutcome outcome = parsing.GetAwaiter().GetResult();
        pipe.Reader.Complete();
        return Snapshot(outcome, parser, batch, rejections);
    }

    private static void Write(PipeWriter writer, ReadOnlySpan<byte> piece)
    {
        if (piece.Length == 0)
        {
            return;
        }
        // A new pipe segment per piece: the exact pool hands out exactly the size asked for.
        Span<byte> span = writer.GetSpan(piece.Length);
        piece.CopyTo(span);
        writer.Advance(piece.Length);
        var flush = writer.FlushAsync();
        Assert.True(flush.IsCompleted);
    }

    public static ParseResult Snapshot(ParseOutcome outcome, BatchParser parser, EventBatch batch, IngestRejections rejections)
    {
        var records = new List<ParsedEvent>();
        var indexes = parser.RecordEventIndexes;
        Assert.Equal(batch.Count, indexes.Length);
        for (int i = 0; i < batch.Count; i++)
        {
            ref readonly var r = ref batch.Records[i];
            records.Add(new ParsedEvent(indexes[i], r.Experiment, r.Metric, r.Variant, r.Value, r.TimestampMs,
                Encoding.UTF8.GetString(batch.UnitId(r)), r.UnitHash, Encoding.UTF8.GetString(batch.EventId(r)), r.EventIdHash));
        }
        int[] counts = Enum.GetValues<RejectionCode>().Select(rejections.CountOf).ToArray();
        return new ParseResult(outcome, records, rejections.Listed.ToArray(), counts, rejections.Rejected);
    }

    /// <summary>A memory pool that hands out buffers of exactly the requested size (so each write is its own segment).</summary>
    private sealed class ExactPool : MemoryPool<byte>
    {
        public override int MaxBufferSize => int.MaxValue;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Owner(new byte[Math.Max(minBufferSize, 1)]);

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class Owner(byte[] array) : IMemoryOwner<byte>
        {
            public Memory<byte> Memory => array;

            public void Dispose()
            {
            }
        }
    }
}
