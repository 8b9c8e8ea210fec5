using System.Text.Json;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Gateway.Auth;
using Expothesis.Fast.Gateway.Metrics;
using Expothesis.Fast.Gateway.Problems;
using Expothesis.Fast.Storage.Catalog;

namespace Expothesis.Fast.Gateway.Assignment;

/// <summary>Assignment over HTTP (API.md "Assignment").</summary>
public static class AssignmentEndpoints
{
    private const int MaxUserIdLength = 256;
    private const int MaxExperimentsPerRequest = 1024;

    /// <summary>Maps <c>POST /api/v1/assign</c> and <c>GET /api/v1/experiments/{experiment}/assignment/{user_id}</c>.</summary>
    public static IEndpointRouteBuilder MapAssignmentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/assign", static async (HttpRequest request, ExperimentCatalog catalog, Assigner assigner, GatewayMetrics metrics, CancellationToken ct) =>
        {
            var body = await JsonBody.ReadAsync<AssignRequest>(request, ct).ConfigureAwait(false);
            string userId = ValidateUserId(body.UserId, "user_id");
            var attributes = body.Attributes is { } a && a.ValueKind != JsonValueKind.Null ? a : default;
            if (attributes.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object))
            {
                throw Invalid("attributes", "must be an object");
            }
            if (body.Experiments is { Count: > MaxExperimentsPerRequest })
            {
                throw Invalid("experiments", $"at most {MaxExperimentsPerRequest} experiments per request");
            }
            bool expose = body.Expose ?? true;
            var snapshot = catalog.Current;
            var assignments = new List<AssignmentDocument>();
            if (body.Experiments is null)
            {
                foreach (var experiment in snapshot.Running)
                {
                    assignments.Add(Assign(assigner, metrics, experiment, userId, attributes, expose));
                }
            }
            else
            {
                for (int i = 0; i < body.Experiments.Count; i++)
                {
                    string? name = body.Experiments[i];
                    if (name is null)
                    {
                        throw Invalid($"experiments[{i}]", "must be a string");
                    }
                    assignments.Add(snapshot.TryGet(name, out var experiment)
                        ? Assign(assigner, metrics, experiment, userId, attributes, expose)
                        : Unknown(metrics, name));
                }
            }
            return Results.Json(new AssignResponse(userId, assignments), CatalogJson.Options);
        }).RequireScope(ApiScope.Ingest).WithTags("Assignment").Accepts<AssignRequest>("application/json").Produces<AssignResponse>();

        app.MapGet("/api/v1/experiments/{experiment}/assignment/{user_id}", static (string experiment, string user_id, ExperimentCatalog catalog, Assigner assigner, GatewayMetrics metrics) =>
        {
            string userId = ValidateUserId(user_id, "user_id");
            var compiled = catalog.Get(experiment);
            return Results.Json(Assign(assigner, metrics, compiled, userId, default, expose: false), CatalogJson.Options);
        }).RequireScope(ApiScope.Read, ApiScope.Ingest).WithTags("Assignment").Produces<AssignmentDocument>();

        return app;
    }

    /// <summary>Assigns one unit and renders the API document.</summary>
    internal static AssignmentDocument Assign(Assigner assigner, GatewayMetrics metrics, CompiledExperiment experiment, string userId, JsonElement attributes, bool expose)
    {
        var result = assigner.Assign(experiment.Target, userId, attributes, expose);
        metrics.RecordAssignment(result.Reason);
        string? variant = result.VariantIndex >= 0 ? experiment.VariantKeys[result.VariantIndex] : null;
        double? bucket = result.Reason is AssignmentReason.UnknownExperiment or AssignmentReason.NotRunning or AssignmentReason.Paused
            or AssignmentReason.MissingHashAttribute or AssignmentReason.ConditionFailed or AssignmentReason.Override ? null : result.Bucket;
        return new AssignmentDocument(experiment.Key, variant, result.InExperiment, result.Reason.ToWire(), bucket);
    }

    private static AssignmentDocument Unknown(GatewayMetrics metrics, string name)
    {
        metrics.RecordAssignment(AssignmentReason.UnknownExperiment);
        return new AssignmentDocument(name, null, false, AssignmentReason.UnknownExperiment.ToWire(), null);
    }

    private static string ValidateUserId(string? userId, string field)
    {
        if (string.IsNullOrEmpty(userId))
        {
            throw Invalid(field, "is required");
        }
        if (userId.Length > MaxUserIdLength)
        {
            throw Invalid(field, $"must be at most {MaxUserIdLength} characters");
        }
        return userId;
    }

    private static RequestBodyException Invalid(string field, string message)
        => new(StatusCodes.Status400BadRequest, $"{field} {message}.", new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The body of <c>POST /api/v1/assign</c>.</summary>
public sealed record AssignRequest
{
    /// <summary>The unit (user) id; also <c>attributes.id</c> unless that is given.</summary>
    public string? UserId { get; init; }

    /// <summary>Targeting attributes.</summary>
    public JsonElement? Attributes { get; init; }

    /// <summary>Ids or keys; omitted means every running experiment.</summary>
    public IReadOnlyList<string?>? Experiments { get; init; }

    /// <summary>Record the exposure of units in the experiment (default true).</summary>
    public bool? Expose { get; init; }
}

/// <summary>The answer of <c>POST /api/v1/assign</c>.</summary>
/// <param name="UserId">The unit id.</param>
/// <param name="Assignments">One entry per experiment, in request order.</param>
public sealed record AssignResponse(string UserId, IReadOnlyList<AssignmentDocument> Assignments);

/// <summary>One experiment's assignment.</summary>
/// <param name="Experiment">The experiment key (or the unknown name as sent).</param>
/// <param name="Variant">The variant key, or null.</param>
/// <param name="InExperiment">Whether the unit takes part.</param>
/// <param name="Reason">Why (snake_case reason code).</param>
/// <param name="Bucket">The unit's hash bucket in [0, 1), when it was hashed.</param>
public sealed record AssignmentDocument(string Experiment, string? Variant, bool InExperiment, string Reason, double? Bucket);
