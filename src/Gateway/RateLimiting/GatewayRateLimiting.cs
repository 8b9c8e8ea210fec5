using System.Globalization;
using System.Threading.RateLimiting;
using Expothesis.Fast.Gateway.Auth;
using Expothesis.Fast.Gateway.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace Expothesis.Fast.Gateway.RateLimiting;

/// <summary>
/// The <c>Expothesis:RateLimit</c> section: a token bucket per API key (or per client address without a
/// key) over <c>/api</c> and <c>/ofrep</c>. Off by default (<see cref="PermitsPerSecond"/> = 0).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained requests per second per client; 0 turns the limiter off.</summary>
    public double PermitsPerSecond { get; set; }

    /// <summary>Bucket size (requests allowed at once); 0 means one second's worth (at least 1).</summary>
    public int Burst { get; set; }

    /// <summary>Whether the limiter is on.</summary>
    public bool Enabled => PermitsPerSecond > 0;

    /// <summary>The token bucket for one client.</summary>
    public TokenBucketRateLimiterOptions ToTokenBucket()
    {
        int tokensPerPeriod;
        TimeSpan period;
        if (PermitsPerSecond >= 1)
        {
            tokensPerPeriod = (int)Math.Min(int.MaxValue, Math.Round(PermitsPerSecond));
            period = TimeSpan.FromSeconds(1);
        }
        else
        {
            tokensPerPeriod = 1;
            period = TimeSpan.FromSeconds(1 / PermitsPerSecond);
        }
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst > 0 ? Burst : Math.Max(1, tokensPerPeriod),
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}

/// <summary>Registers and applies the rate limiter: 429 problem+json with <c>Retry-After</c>.</summary>
public static class GatewayRateLimiting
{
    /// <summary>Adds the limiter services (a no-op limiter when <paramref name="options"/> is off).</summary>
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return services;
        }
        var bucket = options.ToTokenBucket();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var path = context.Request.Path;
                if (!(path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/ofrep", StringComparison.OrdinalIgnoreCase)))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }
                return RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => bucket);
            });
            limiter.OnRejected = static async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                int seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await GatewayProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too Many Requests",
                    $"Over the rate limit; retry after {seconds} s.").ConfigureAwait(false);
            };
        });
        return services;
    }

    /// <summary>Applies the limiter when it is on.</summary>
    public static IApplicationBuilder UseGatewayRateLimiting(this IApplicationBuilder app, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Enabled ? app.UseRateLimiter() : app;
    }

    /// <summary>The partition: a valid API key (so a client cannot mint buckets with made-up keys), else the client address.</summary>
    private static string ClientKey(HttpContext context)
    {
        var keys = context.RequestServices.GetService<ApiKeyRing>();
        if (keys is { IsOpen: false })
        {
            var headers = context.Request.Headers;
            string? presented = null;
            string? authorization = headers.Authorization;
            if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                presented = authorization[7..].Trim();
            }
            else if (headers["X-API-Key"] is { Count: > 0 } apiKey)
            {
                presented = apiKey[0]?.Trim();
            }
            else if (HttpMethods.IsGet(context.Request.Method) && context.Request.Query.TryGetValue("api_key", out var query))
            {
                presented = query[0];
            }
            if (!string.IsNullOrEmpty(presented) && keys.TryAuthenticate(presented, out _))
            {
                return "k:" + presented;
            }
        }
        return "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
