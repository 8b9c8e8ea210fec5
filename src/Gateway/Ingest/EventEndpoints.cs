using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Expothesis.Fast.Gateway.Auth;
using Expothesis.Fast.Gateway.Ingest.Internal;
using Expothesis.Fast.Gateway.Problems;
using Expothesis.Fast.Query;
using Expothesis.Fast.Query.Export;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>
/// Event ingestion, export and rebuild over HTTP (API.md "Events"): <c>POST /api/v1/events/batch</c>,
/// <c>POST /api/v1/events</c>, <c>GET /api/v1/experiments/{experiment}/events</c>,
/// <c>POST /api/v1/admin/rebuild</c>, and <c>GET /api/v1/admin/experiments/{experiment}/moments</c>
/// (the raw moment sums, for operators and the crash test).
/// </summary>
public static class EventEndpoints
{
    private const string MappedKey = "Expothesis.Fast.Gateway.Ingest.EventEndpoints.Mapped";

    /// <summary>Registers <see cref="GatewayLimits"/> (section <c>Expothesis:Limits</c>, validated on start) and the <see cref="EventIngestPool"/>.</summary>
    public static IServiceCollection AddEventIngest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GatewayLimits>()
            .Bind(configuration.GetSection(GatewayLimits.SectionName))
            .Validate(static l => l.Validate() is null, "Expothesis:Limits are inconsistent (MaxIdBytes <= MaxEventBytes <= MaxBodyBytes).")
            .ValidateOnStart();
        services.TryAddSingleton(static sp => new EventIngestPool(sp.GetRequiredService<IOptions<GatewayLimits>>().Value));
        return services;
    }

    /// <summary>Maps the event endpoints (once; a second call does nothing).</summary>
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app is IApplicationBuilder builder)
        {
            if (builder.Properties.ContainsKey(MappedKey))
            {
                return app;
            }
            builder.Properties[MappedKey] = true;
        }
        var pool = app.ServiceProvider.GetService<EventIngestPool>() ?? new EventIngestPool(LoadLimits(app.ServiceProvider.GetRequiredService<IConfiguration>()));

        app.MapPost("/api/v1/events/batch", (HttpContext context, CancellationToken ct) => IngestAsync(context, pool, null, ct))
            .RequireScope(ApiScope.Ingest).WithTags("Events").WithName("IngestEventBatch")
            .Accepts<object>("application/json", "application/x-ndjson").Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/v1/events", (HttpContext context, CancellationToken ct) => IngestAsync(context, pool, BatchFormat.SingleEvent, ct))
            .RequireScope(ApiScope.Ingest).WithTags("Events").WithName("IngestEvent")
            .Accepts<object>("application/json").Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/v1/experiments/{experiment}/events", ExportAsync)
            .RequireScope(ApiScope.Read).WithTags("Events").WithName("ExportEvents")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson").Produces(StatusCodes.Status200OK, contentType: "text/csv");
        app.MapPost("/api/v1/admin/rebuild", RebuildAsync)
            .RequireScope(ApiScope.Admin).WithTags("Operations").WithName("RebuildState");
        app.MapGet("/api/v1/admin/experiments/{experiment}/moments", Moments)
            .RequireScope(ApiScope.Admin).WithTags("Operations").WithName("ExperimentMoments");
        return app;
    }

    /// <summary>The limits from configuration (section <c>Expothesis:Limits</c>); throws when they are invalid.</summary>
    public static GatewayLimits LoadLimits(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var limits = configuration.GetSection(GatewayLimits.SectionName).Get<GatewayLimits>() ?? new GatewayLimits();
        if (limits.Validate() is { } error)
        {
            throw new InvalidOperationException(error);
        }
        return limits;
    }

    /// <summary>The body format for a Content-Type; false when it is neither JSON nor NDJSON.</summary>
    public static bool TryGetFormat(string? contentType, out BatchFormat format)
    {
        format = BatchFormat.Json;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }
        ReadOnlySpan<char> media = contentType.AsSpan();
        int semicolon = media.IndexOf(';');
        if (semicolon >= 0)
        {
            media = media[..semicolon];
        }
        media = media.Trim();
        if (media.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/ndjson", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/x-jsonlines", StringComparison.OrdinalIgnoreCase))
        {
            format = BatchFormat.Ndjson;
            return true;
        }
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task IngestAsync(HttpContext context, EventIngestPool pool, BatchFormat? forced, CancellationToken ct)
    {
        BatchFormat format = BatchFormat.SingleEvent;
        if (forced is null && !TryGetFormat(context.Request.ContentType, out format))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                "Send application/json (an object with \"events\" or an array) or application/x-ndjson.").ConfigureAwait(false);
            return;
        }
        var engine = context.RequestServices.GetRequiredService<ExpothesisEngine>();
        var work = pool.Rent();
        try
        {
            BatchIngestOutcome ingested;
            try
            {
                ingested = await ParseAndApplyAsync(engine, work, context.Request.BodyReader, format, ct).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request",
                    "The compressed body cannot be decompressed: " + ex.Message).ConfigureAwait(false);
                return;
            }
            if (!ingested.Parse.IsOk)
            {
                await WriteParseProblemAsync(context, ingested.Parse).ConfigureAwait(false);
                return;
            }
            if (ingested.QueueFull)
            {
                context.Response.Headers.RetryAfter = "1";
                await GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                    "The ingestion queue is full; nothing of this batch was applied. Retry after the indicated delay.").ConfigureAwait(false);
                return;
            }
            int accepted = ingested.Accepted;
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            var writer = work.Writer(response.BodyWriter);
            work.Rejections.WriteResponse(writer, accepted);
            writer.Flush();
            await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            pool.Return(work);
        }
    }

    /// <summary>
    /// The one ingest path of the HTTP endpoints and of <see cref="EmbeddedIngestor"/>: parses the body against the
    /// current catalog, applies the parsed records, and merges the engine's per-record outcomes into
    /// <c>work.Rejections</c> by body index. Nothing is applied when the parse fails or the queue is full.
    /// </summary>
    internal static async ValueTask<BatchIngestOutcome> ParseAndApplyAsync(
        ExpothesisEngine engine, IngestWork work, PipeReader body, BatchFormat format, CancellationToken ct)
    {
        CatalogSnapshot snapshot = engine.Catalog.Current;
        work.Parser.Reset(snapshot, work.Batch, work.Rejections, format, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        ParseOutcome outcome = await work.Parser.ParseAsync(body, ct).ConfigureAwait(false);
        if (!outcome.IsOk || work.Batch.Count == 0)
        {
            return new BatchIngestOutcome(outcome, QueueFull: false, Accepted: 0);
        }
        var batch = work.Batch;
        var outcomes = work.Outcomes(batch.Count);
        // Not cancellable: once admitted, the batch is applied and made durable before the buffers are reused.
        var result = await engine.Ingest.IngestAsync(batch, outcomes, CancellationToken.None).ConfigureAwait(false);
        if (result.Status == IngestStatus.QueueFull)
        {
            return new BatchIngestOutcome(outcome, QueueFull: true, Accepted: 0);
        }
        MergeEngineOutcomes(work, outcomes.Span, snapshot);
        return new BatchIngestOutcome(outcome, QueueFull: false, result.Accepted);
    }

    private static Task WriteParseProblemAsync(HttpContext context, ParseOutcome outcome)
    {
        if (outcome.Status == ParseStatus.SyntaxError)
        {
            return GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request",
                outcome.Message ?? "Malformed JSON.", extensions: new Dictionary<string, object?> { ["offset"] = outcome.ErrorOffset });
        }
        return GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload Too Large", outcome.Message ?? "The body is too large.");
    }

    /// <summary>Adds the engine's per-record rejections (not_exposed, variant_mismatch, duplicate...) by body index.</summary>
    private static void MergeEngineOutcomes(IngestWork work, ReadOnlySpan<RejectionCode> outcomes, CatalogSnapshot snapshot)
    {
        var indexes = work.Parser.RecordEventIndexes;
        var rejections = work.Rejections;
        var batch = work.Batch;
        for (int i = 0; i < outcomes.Length; i++)
        {
            RejectionCode code = outcomes[i];
            if (code == RejectionCode.None)
            {
                continue;
            }
            int index = indexes[i];
            rejections.Add(index, code, rejections.WillList(index, code) ? EngineMessage(code, batch, batch.Records[i], snapshot) : null);
        }
    }

    private static string? EngineMessage(RejectionCode code, EventBatch batch, in EventRecord record, CatalogSnapshot snapshot)
    {
        string experiment = (uint)record.Experiment < (uint)snapshot.Experiments.Count ? snapshot.Get(record.Experiment).Key : "?";
        string user = Encoding.UTF8.GetString(batch.UnitId(record));
        return code switch
        {
            RejectionCode.NotExposed => $"user '{user}' has not been exposed to experiment '{experiment}' and the event names no variant",
            RejectionCode.VariantMismatch => $"the event's variant contradicts the variant recorded for user '{user}' in experiment '{experiment}'",
            RejectionCode.ExperimentNotRunning => $"experiment '{experiment}' is not running",
            RejectionCode.ExperimentStopped => $"experiment '{experiment}' is stopped",
            _ => null,
        };
    }

    private static async Task ExportAsync(HttpContext context, string experiment, string? from, string? to, string? format)
    {
        var engine = context.RequestServices.GetRequiredService<ExpothesisEngine>();
        var compiled = engine.Catalog.Get(experiment);
        var errors = new Dictionary<string, string[]>();
        long? fromMs = ParseTime(from, "from", errors);
        long? toMs = ParseTime(to, "to", errors);
        ExportFormat exportFormat = ExportFormat.Ndjson;
        if (format is not null)
        {
            if (format.Equals("csv", StringComparison.OrdinalIgnoreCase))
            {
                exportFormat = ExportFormat.Csv;
            }
            else if (!format.Equals("ndjson", StringComparison.OrdinalIgnoreCase))
            {
                errors["format"] = ["must be ndjson or csv"];
            }
        }
        if (errors.Count > 0)
        {
            throw new RequestBodyException(StatusCodes.Status400BadRequest, "Invalid export parameters.", errors);
        }
        var writer = new EventExportWriter(new CatalogExportNames(engine.Catalog.Current), exportFormat);
        using var cursor = engine.Archive.OpenCursor(new EventScanFilter(compiled.Ordinal, fromMs, toMs));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = writer.ContentType;
        await writer.WriteAsync(cursor, context.Response.BodyWriter, context.RequestAborted).ConfigureAwait(false);
    }

    private static long? ParseTime(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ms))
        {
            return ms;
        }
        if (Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out ms))
        {
            return ms;
        }
        errors[field] = ["must be an RFC 3339 timestamp or Unix epoch milliseconds"];
        return null;
    }

    private static async Task<IResult> RebuildAsync(ExpothesisEngine engine, CancellationToken ct)
    {
        long started = Stopwatch.GetTimestamp();
        await engine.Ingest.RebuildAsync(ct).ConfigureAwait(false);
        return Results.Json(new RebuildResult("rebuilt", engine.Archive.EventCount, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds));
    }

    private static IResult Moments(string experiment, ExpothesisEngine engine)
    {
        var compiled = engine.Catalog.Get(experiment);
        var moments = engine.Ingest.GetMoments(compiled.Ordinal);
        var variants = new List<VariantMomentsDocument>();
        for (int v = 0; v < moments.Variants && v < compiled.VariantKeys.Count; v++)
        {
            var metrics = new Dictionary<string, MomentDocument>();
            for (int m = 0; m < moments.Metrics && m < compiled.Definition.Metrics.Count; m++)
            {
                var cell = moments[v, m];
                metrics[compiled.Definition.Metrics[m].Name] = new MomentDocument(cell.N, cell.S1, cell.S2);
            }
            variants.Add(new VariantMomentsDocument(compiled.VariantKeys[v], moments.Units(v), metrics));
        }
        return Results.Json(new MomentsDocument(compiled.Key, moments.TotalUnits, moments.LastEventMs, variants));
    }

    private sealed record RebuildResult(string Status, long Events, long DurationMs);

    private sealed record MomentsDocument(string Experiment, long TotalUnits, long LastEventMs, IReadOnlyList<VariantMomentsDocument> Variants);

    private sealed record VariantMomentsDocument(string Variant, long Units, IReadOnlyDictionary<string, MomentDocument> Metrics);

    private sealed record MomentDocument(long N, double S1, double S2);
}
