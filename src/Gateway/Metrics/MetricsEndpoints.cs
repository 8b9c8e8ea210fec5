using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing;

namespace Expothesis.Fast.Gateway.Metrics;

/// <summary><c>GET /metrics</c> and the request-counting middleware.</summary>
public static class MetricsEndpoints
{
    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format 0.0.4, no key needed).</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", static (PrometheusExporter exporter) => Results.Text(exporter.Render(), MetricsWriter.ContentType))
            .WithTags("Operations").ExcludeFromDescription();
        return app;
    }

    /// <summary>Counts every request by route template, method and status, with its duration (use it outermost, before the exception handler).</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ApplicationServices.GetRequiredService<GatewayMetrics>();
        return app.Use(async (context, next) =>
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
                string route = endpoint is RouteEndpoint e ? e.RoutePattern.RawText ?? "unknown" : "unmatched";
                metrics.RecordRequest(route, context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        });
    }
}
