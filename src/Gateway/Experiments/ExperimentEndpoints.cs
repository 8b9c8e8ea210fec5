using Expothesis.Fast.Assignment;
using Expothesis.Fast.Gateway.Auth;
using Expothesis.Fast.Gateway.Problems;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Experiments;

/// <summary>The experiment catalog over HTTP (API.md "Experiments").</summary>
public static class ExperimentEndpoints
{
    /// <summary>Maps <c>/api/v1/experiments</c>: CRUD, lifecycle and history.</summary>
    public static IEndpointRouteBuilder MapExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments").WithTags("Experiments");

        group.MapPost("/", static async (HttpRequest request, ExperimentCatalog catalog, CancellationToken ct) =>
        {
            var spec = await JsonBody.ReadAsync<ExperimentSpec>(request, ct).ConfigureAwait(false);
            var created = await catalog.CreateAsync(spec, ct).ConfigureAwait(false);
            return Results.Json(created.Record, CatalogJson.Options, statusCode: StatusCodes.Status201Created);
        }).RequireScope(ApiScope.Admin).Accepts<ExperimentSpec>("application/json").Produces<ExperimentRecord>(StatusCodes.Status201Created);

        group.MapGet("/", static (string? status, ExperimentCatalog catalog) =>
        {
            ExperimentStatus? filter = null;
            if (!string.IsNullOrEmpty(status))
            {
                if (!CatalogNames.TryParseStatus(status, out var parsed))
                {
                    return GatewayProblems.Create(StatusCodes.Status400BadRequest, "Bad Request",
                        $"Unknown status '{status}'.", new Dictionary<string, string[]> { ["status"] = ["must be draft, running, paused, stopped or archived"] });
                }
                filter = parsed;
            }
            var snapshot = catalog.Current;
            var list = new List<ExperimentRecord>();
            foreach (var e in snapshot.Experiments)
            {
                if (filter is { } f ? e.Status == f : e.Status != ExperimentStatus.Archived)
                {
                    list.Add(e.Record);
                }
            }
            return Results.Json(new ExperimentList(list, snapshot.Version), CatalogJson.Options);
        }).RequireScope(ApiScope.Read).Produces<ExperimentList>();

        group.MapGet("/{experiment}", static (string experiment, ExperimentCatalog catalog)
            => Results.Json(catalog.Get(experiment).Record, CatalogJson.Options))
            .RequireScope(ApiScope.Read).Produces<ExperimentRecord>();

        group.MapPut("/{experiment}", static async (string experiment, HttpRequest request, ExperimentCatalog catalog, CancellationToken ct) =>
        {
            var spec = await JsonBody.ReadAsync<ExperimentSpec>(request, ct).ConfigureAwait(false);
            var updated = await catalog.UpdateAsync(experiment, spec, ct).ConfigureAwait(false);
            return Results.Json(updated.Record, CatalogJson.Options);
        }).RequireScope(ApiScope.Admin).Accepts<ExperimentSpec>("application/json").Produces<ExperimentRecord>();

        group.MapDelete("/{experiment}", static async (string experiment, ExperimentCatalog catalog, CancellationToken ct) =>
        {
            var archived = await catalog.ArchiveAsync(experiment, ct).ConfigureAwait(false);
            return Results.Json(archived.Record, CatalogJson.Options);
        }).RequireScope(ApiScope.Admin).Produces<ExperimentRecord>();

        MapTransition(group, "start", ExperimentTransition.Start);
        MapTransition(group, "pause", ExperimentTransition.Pause);
        MapTransition(group, "resume", ExperimentTransition.Resume);
        MapTransition(group, "stop", ExperimentTransition.Stop);

        group.MapGet("/{experiment}/history", static (string experiment, ExperimentCatalog catalog)
            => Results.Json(new ExperimentHistory(catalog.GetHistory(experiment)), CatalogJson.Options))
            .RequireScope(ApiScope.Read).Produces<ExperimentHistory>();

        return app;
    }

    private static void MapTransition(RouteGroupBuilder group, string verb, ExperimentTransition transition)
    {
        group.MapPost("/{experiment}/" + verb, async (string experiment, ExperimentCatalog catalog, CancellationToken ct) =>
        {
            var changed = await catalog.TransitionAsync(experiment, transition, ct).ConfigureAwait(false);
            return Results.Json(changed.Record, CatalogJson.Options);
        }).RequireScope(ApiScope.Admin).Produces<ExperimentRecord>();
    }
}

/// <summary>The answer of <c>GET /experiments</c>.</summary>
/// <param name="Experiments">The experiments (archived ones only with <c>?status=archived</c>).</param>
/// <param name="CatalogVersion">The catalog version the list was taken at.</param>
public sealed record ExperimentList(IReadOnlyList<ExperimentRecord> Experiments, long CatalogVersion);

/// <summary>The answer of <c>GET /experiments/{experiment}/history</c>.</summary>
/// <param name="Entries">The audit trail, oldest first.</param>
public sealed record ExperimentHistory(IReadOnlyList<AuditEntry> Entries);
