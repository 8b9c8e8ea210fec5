using Expothesis.Fast.Gateway.Problems;

namespace Expothesis.Fast.Gateway.Health;

/// <summary><c>/health/live</c> and <c>/health/ready</c> (no key needed).</summary>
public static class HealthEndpoints
{
    /// <summary>Maps the health endpoints.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", static () => Results.Json(new HealthStatus("live", null)))
            .WithTags("Operations").ExcludeFromDescription();
        app.MapGet("/health/ready", static (GatewayReadiness readiness) =>
        {
            var reasons = readiness.Reasons;
            return reasons.Count == 0
                ? Results.Json(new HealthStatus("ready", null))
                : GatewayProblems.Create(StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                    "Not ready: " + string.Join(", ", reasons), extensions: new Dictionary<string, object?> { ["reasons"] = reasons });
        }).WithTags("Operations").ExcludeFromDescription();
        return app;
    }

    private sealed record HealthStatus(string Status, IReadOnlyList<string>? Reasons);
}
