using System.Text.Json;
using System.Text.Json.Serialization;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Gateway.Auth;
using Expothesis.Fast.Gateway.Metrics;
using Expothesis.Fast.Gateway.Problems;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Ofrep;

/// <summary>
/// OpenFeature remote evaluation (OFREP): a flag is an experiment, its value the assigned variant key.
/// Errors are problem+json that also carry OFREP's <c>key</c>, <c>errorCode</c> and <c>errorDetails</c>.
/// </summary>
public static class OfrepEndpoints
{
    /// <summary>Maps <c>POST /ofrep/v1/evaluate/flags/{key}</c>.</summary>
    public static IEndpointRouteBuilder MapOfrepEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/ofrep/v1/evaluate/flags/{key}", static async (string key, HttpRequest request, ExperimentCatalog catalog, Assigner assigner, GatewayMetrics metrics, CancellationToken ct) =>
        {
            byte[] body = await JsonBody.ReadBytesAsync(request, ct).ConfigureAwait(false);
            JsonElement context;
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("context", out var c) || c.ValueKind != JsonValueKind.Object)
                {
                    return Error(StatusCodes.Status400BadRequest, key, "INVALID_CONTEXT", "The body must be { \"context\": { ... } }.");
                }
                context = c.Clone();
            }
            catch (JsonException ex)
            {
                return Error(StatusCodes.Status400BadRequest, key, "INVALID_CONTEXT", "Malformed JSON: " + ex.Message);
            }
            if (!context.TryGetProperty("targetingKey", out var targeting) || targeting.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(targeting.GetString()))
            {
                return Error(StatusCodes.Status400BadRequest, key, "TARGETING_KEY_MISSING", "context.targetingKey is required.");
            }
            string userId = targeting.GetString()!;
            if (userId.Length > 256)
            {
                return Error(StatusCodes.Status400BadRequest, key, "INVALID_CONTEXT", "context.targetingKey is longer than 256 characters.");
            }
            if (!catalog.Current.TryGet(key, out var experiment) || experiment.Status == ExperimentStatus.Archived)
            {
                return Error(StatusCodes.Status404NotFound, key, "FLAG_NOT_FOUND", $"No flag (experiment) '{key}'.");
            }

            var result = assigner.Assign(experiment.Target, userId, context, expose: true);
            metrics.RecordAssignment(result.Reason);
            string control = experiment.VariantKeys[experiment.Definition.ControlIndex];
            string reason;
            string value;
            if (experiment.Status != ExperimentStatus.Running)
            {
                reason = "DISABLED";
                value = control;
            }
            else if (result.VariantIndex >= 0 && result.Reason == AssignmentReason.Override)
            {
                reason = "TARGETING_MATCH";
                value = experiment.VariantKeys[result.VariantIndex];
            }
            else if (result.VariantIndex >= 0 && result.InExperiment)
            {
                reason = "SPLIT";
                value = experiment.VariantKeys[result.VariantIndex];
            }
            else
            {
                reason = "DEFAULT";
                value = control;
            }
            var answer = new OfrepEvaluation(experiment.Key, value, value, reason,
                new Dictionary<string, object> { ["in_experiment"] = result.InExperiment && experiment.Status == ExperimentStatus.Running, ["assignment_reason"] = result.Reason.ToWire() });
            return Results.Json(answer, s_options);
        }).RequireScope(ApiScope.Ingest).WithTags("OFREP").Produces<OfrepEvaluation>();
        return app;
    }

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static IResult Error(int status, string key, string code, string details)
        => GatewayProblems.Create(status, GatewayProblems.TitleFor(status), details,
            extensions: new Dictionary<string, object?> { ["key"] = key, ["errorCode"] = code, ["errorDetails"] = details });
}

/// <summary>An OFREP evaluation result.</summary>
/// <param name="Key">The flag key (experiment key).</param>
/// <param name="Value">The variant key served.</param>
/// <param name="Variant">The variant key served.</param>
/// <param name="Reason"><c>SPLIT</c>, <c>TARGETING_MATCH</c>, <c>DISABLED</c> or <c>DEFAULT</c>.</param>
/// <param name="Metadata"><c>in_experiment</c> and the assignment reason.</param>
public sealed record OfrepEvaluation(string Key, string Value, string Variant, string Reason, IReadOnlyDictionary<string, object> Metadata);
