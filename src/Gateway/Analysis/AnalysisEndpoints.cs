using System.Runtime.CompilerServices;
using System.Text.Json;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Gateway.Auth;
using Expothesis.Fast.Gateway.Problems;
using Expothesis.Fast.Query;
using Expothesis.Fast.Query.Analysis;
using Expothesis.Fast.Storage.Catalog;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Expothesis.Fast.Gateway.Analysis;

/// <summary>
/// Analysis over HTTP (API.md "Analysis"): <c>GET /api/v1/experiments/{experiment}/analysis</c>,
/// <c>/timeseries</c>, <c>/live</c> (Server-Sent Events; EventSource cannot send headers, so the key may come
/// as <c>?api_key=</c>, which <see cref="ApiKeyMiddleware"/> accepts on GETs) and
/// <c>POST /api/v1/stats/sample-size</c>. Host wiring: <c>services.AddAnalysis()</c> and
/// <c>app.MapAnalysisEndpoints()</c>.
/// </summary>
public static class AnalysisEndpoints
{
    private static readonly ConditionalWeakTable<IServiceProvider, object> s_mapped = [];
    private static readonly byte[] s_eventPrefix = "event: analysis\ndata: "u8.ToArray();
    private static readonly byte[] s_eventSuffix = "\n\n"u8.ToArray();
    private static readonly byte[] s_keepAlive = ": keep-alive\n\n"u8.ToArray();

    /// <summary>How often <c>/live</c> looks for changes.</summary>
    public static readonly TimeSpan LiveInterval = TimeSpan.FromSeconds(1);

    /// <summary>A comment line is sent after this long without a document, so dead connections are noticed.</summary>
    public static readonly TimeSpan LiveKeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Registers the bandit updater (singleton and hosted service) and a <see cref="TimeProvider"/>.</summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BanditUpdater>();
        services.AddHostedService(static sp => sp.GetRequiredService<BanditUpdater>());
        return services;
    }

    /// <summary>Maps the analysis endpoints (read scope); a second call on the same app does nothing.</summary>
    public static IEndpointRouteBuilder MapAnalysisEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        lock (s_mapped)
        {
            if (s_mapped.TryGetValue(app.ServiceProvider, out _))
            {
                return app;
            }

            s_mapped.Add(app.ServiceProvider, s_mapped);
        }

        var group = app.MapGroup("/api/v1/experiments").WithTags("Analysis");

        group.MapGet("/{experiment}/analysis", static (string experiment, string? alpha, string? engine, string? sequential, string? correction, HttpContext context) =>
        {
            if (!AnalysisOverrides.TryParse(alpha, engine, sequential, correction, out var overrides, out var errors))
            {
                return GatewayProblems.Create(StatusCodes.Status400BadRequest, "Bad Request", "Invalid analysis parameters.", errors);
            }

            var doc = Analyze(context.RequestServices, experiment, overrides);
            return Results.Json(doc, AnalysisJsonContext.Default.AnalysisDocument);
        }).RequireScope(ApiScope.Read).Produces<AnalysisDocument>();

        group.MapGet("/{experiment}/timeseries", static (string experiment, string? metric, string? granularity, HttpContext context) =>
        {
            var services = context.RequestServices;
            var engine = services.GetRequiredService<ExpothesisEngine>();
            var compiled = engine.Catalog.Get(experiment);
            if (!TimeseriesBuilder.TryParseGranularity(granularity, out var g))
            {
                return GatewayProblems.Create(StatusCodes.Status400BadRequest, "Bad Request", $"Unknown granularity '{granularity}'.",
                    new Dictionary<string, string[]> { ["granularity"] = ["must be hour or day"] });
            }

            var def = compiled.Definition;
            int index = string.IsNullOrEmpty(metric) ? Math.Max(0, def.PrimaryMetricIndex) : compiled.GetMetric(metric);
            if (index < 0 || index >= def.Metrics.Count)
            {
                return GatewayProblems.Create(StatusCodes.Status404NotFound, "Not Found", $"Experiment '{compiled.Key}' has no metric '{metric}'.",
                    new Dictionary<string, string[]> { ["metric"] = ["unknown metric"] });
            }

            var series = engine.Ingest.GetHourlySeries(compiled.Ordinal, index);
            var buckets = new List<TimeseriesBucket>(series.Buckets.Count);
            foreach (var b in series.Buckets)
            {
                buckets.Add(new TimeseriesBucket(b.HourStartMs, b.Deltas, b.UnitsDeltas));
            }

            var md = def.Metrics[index];
            var doc = TimeseriesBuilder.Build(compiled.Key, new AnalysisMetric(md.Name, md.Kind, md.Role, md.Direction),
                compiled.VariantKeys, def.ControlIndex, buckets, g, def.Hypothesis.Alpha);
            return Results.Json(doc, AnalysisJsonContext.Default.TimeseriesDocument);
        }).RequireScope(ApiScope.Read).Produces<TimeseriesDocument>();

        group.MapGet("/{experiment}/live", static async (string experiment, string? alpha, string? engine, string? sequential, string? correction, HttpContext context) =>
        {
            if (!AnalysisOverrides.TryParse(alpha, engine, sequential, correction, out var overrides, out var errors))
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "Invalid analysis parameters.", errors).ConfigureAwait(false);
                return;
            }

            await StreamAsync(context, experiment, overrides).ConfigureAwait(false);
        }).RequireScope(ApiScope.Read);

        app.MapPost("/api/v1/stats/sample-size", static async (HttpRequest request, CancellationToken ct) =>
        {
            byte[] body = await JsonBody.ReadBytesAsync(request, ct).ConfigureAwait(false);
            SampleSizeRequest? parsed;
            try
            {
                parsed = body.AsSpan().Trim(" \t\r\n"u8).IsEmpty ? null : JsonSerializer.Deserialize(body, AnalysisJsonContext.Default.SampleSizeRequest);
            }
            catch (JsonException ex)
            {
                return GatewayProblems.Create(StatusCodes.Status400BadRequest, "Bad Request", "Malformed sample-size request: " + ex.Message,
                    new Dictionary<string, string[]> { [ex.Path ?? "$"] = [ex.Message] });
            }

            if (parsed is null)
            {
                return GatewayProblems.Create(StatusCodes.Status400BadRequest, "Bad Request", "A JSON object is required.",
                    new Dictionary<string, string[]> { ["$"] = ["a JSON object is required"] });
            }

            return SampleSizeCalculator.TryCalculate(parsed, out var response, out var errors)
                ? Results.Json(response, AnalysisJsonContext.Default.SampleSizeResponse)
                : GatewayProblems.Create(StatusCodes.Status400BadRequest, "Bad Request", "Invalid sample-size request.", errors);
        }).WithTags("Analysis").RequireScope(ApiScope.Read).Accepts<SampleSizeRequest>("application/json").Produces<SampleSizeResponse>();

        return app;
    }

    /// <summary>The analysis document of an experiment now (throws the catalog's not-found for unknown ones).</summary>
    public static AnalysisDocument Analyze(IServiceProvider services, string experiment, AnalysisOverrides? overrides)
    {
        ArgumentNullException.ThrowIfNull(services);
        var engine = services.GetRequiredService<ExpothesisEngine>();
        var compiled = engine.Catalog.Get(experiment);
        var bandit = services.GetService<BanditUpdater>()?.GetState(compiled);
        if (bandit is null && compiled.Definition.Bandit is { } settings)
        {
            bandit = new BanditState(settings.Algorithm, settings.Metric, compiled.Weights.Current.ToArray(), []);
        }

        var moments = engine.Ingest.GetMoments(compiled.Ordinal);
        var now = services.GetService<TimeProvider>()?.GetUtcNow() ?? DateTimeOffset.UtcNow;
        return AnalysisBuilder.Build(AnalysisInputs.From(compiled, moments, bandit), overrides, now).WithLastEvent(moments.LastEventMs);
    }

    private static async Task StreamAsync(HttpContext context, string experiment, AnalysisOverrides overrides)
    {
        var services = context.RequestServices;
        var engine = services.GetRequiredService<ExpothesisEngine>();
        var bandits = services.GetService<BanditUpdater>();
        var compiled = engine.Catalog.Get(experiment);
        string id = compiled.Id;
        // Ends with the client or with the server's shutdown (an open stream must not hold the host's stop).
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var ct = stopping.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct).ConfigureAwait(false);

        Stamp? last = null;
        var lastSent = DateTimeOffset.UtcNow;
        using var timer = new PeriodicTimer(LiveInterval);
        try
        {
            do
            {
                if (!engine.Catalog.Current.TryGet(id, out var current))
                {
                    break;
                }

                var moments = engine.Ingest.GetMoments(current.Ordinal);
                var stamp = Stamp.Of(current, moments, bandits?.UpdateCount(id) ?? 0);
                if (last is null || stamp != last)
                {
                    last = stamp;
                    var doc = AnalysisBuilder.Build(AnalysisInputs.From(current, moments, bandits?.GetState(current)), overrides, DateTimeOffset.UtcNow)
                        .WithLastEvent(moments.LastEventMs);
                    await WriteEventAsync(response, doc, ct).ConfigureAwait(false);
                    lastSent = DateTimeOffset.UtcNow;
                }
                else if (DateTimeOffset.UtcNow - lastSent >= LiveKeepAlive)
                {
                    await response.Body.WriteAsync(s_keepAlive, ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    lastSent = DateTimeOffset.UtcNow;
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, AnalysisDocument doc, CancellationToken ct)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(doc, AnalysisJsonContext.Default.AnalysisDocument);
        await response.Body.WriteAsync(s_eventPrefix, ct).ConfigureAwait(false);
        await response.Body.WriteAsync(json, ct).ConfigureAwait(false);
        await response.Body.WriteAsync(s_eventSuffix, ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>What a live view must notice: definition/lifecycle version, exposures, events and bandit updates.</summary>
    private sealed record Stamp(long Version, ExperimentStatus Status, long TotalUnits, long LastEventMs, long BanditUpdates, double Checksum)
    {
        public static Stamp Of(CompiledExperiment experiment, Storage.Engine.MomentSnapshot moments, long banditUpdates)
        {
            double checksum = 0;
            for (int v = 0; v < moments.Variants; v++)
            {
                for (int m = 0; m < moments.Metrics; m++)
                {
                    var c = moments[v, m];
                    checksum += (c.N * 1.000001) + (c.S1 * 1.0001) + c.S2;
                }
            }

            return new Stamp(experiment.Version, experiment.Status, moments.TotalUnits, moments.LastEventMs, banditUpdates, checksum);
        }
    }
}
