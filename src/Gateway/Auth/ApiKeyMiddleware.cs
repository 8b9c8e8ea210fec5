using Expothesis.Fast.Gateway.Problems;
using Microsoft.Extensions.Primitives;

namespace Expothesis.Fast.Gateway.Auth;

/// <summary>
/// Checks the key of every request to an endpoint with <see cref="RequiredScopeMetadata"/> (API endpoints
/// without it require admin): <c>Authorization: Bearer</c>, <c>X-API-Key</c>, or for GETs (Server-Sent
/// Events) the <c>api_key</c> query parameter. 401 without a valid key, 403 with the wrong scope.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyRing keys)
{
    private static readonly RequiredScopeMetadata s_adminOnly = new([ApiScope.Admin]);

    /// <summary>Runs the check.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        if (keys.IsOpen)
        {
            return next(context);
        }
        var endpoint = context.GetEndpoint();
        var required = endpoint?.Metadata.GetMetadata<RequiredScopeMetadata>();
        if (required is null)
        {
            var path = context.Request.Path;
            if (endpoint is null || !(path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/ofrep", StringComparison.OrdinalIgnoreCase)))
            {
                return next(context);
            }
            required = s_adminOnly;
        }

        var presented = GetPresentedKey(context.Request);
        if (presented.IsEmpty)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                "An API key is required: Authorization: Bearer <key> or X-API-Key: <key>.");
        }
        if (!keys.TryAuthenticate(presented, out var scope))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "The API key is not valid.");
        }
        if (!required.Allows(scope))
        {
            return GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
                $"A key with scope '{scope.ToString().ToLowerInvariant()}' may not call this endpoint.");
        }
        return next(context);
    }

    private static ReadOnlySpan<char> GetPresentedKey(HttpRequest request)
    {
        StringValues authorization = request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            string? value = authorization[0];
            if (value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return value.AsSpan(7).Trim();
            }
        }
        StringValues apiKey = request.Headers["X-API-Key"];
        if (apiKey.Count > 0 && !string.IsNullOrEmpty(apiKey[0]))
        {
            return apiKey[0].AsSpan().Trim();
        }
        if (HttpMethods.IsGet(request.Method) && request.Query.TryGetValue("api_key", out var query) && query.Count > 0)
        {
            return query[0].AsSpan();
        }
        return default;
    }
}
