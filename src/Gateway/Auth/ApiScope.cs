namespace Expothesis.Fast.Gateway.Auth;

/// <summary>What an API key may do (API.md "Keys").</summary>
public enum ApiScope
{
    /// <summary>GETs.</summary>
    Read,
    /// <summary>Events, assignment, OFREP.</summary>
    Ingest,
    /// <summary>Everything.</summary>
    Admin,
}

/// <summary>The <c>Expothesis:Auth</c> section.</summary>
public sealed class AuthOptions
{
    /// <summary><c>Expothesis:Auth:Keys</c>: the accepted keys; none means open mode (loopback only).</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];
}

/// <summary>One configured key.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The secret.</summary>
    public string Key { get; set; } = "";

    /// <summary><c>admin</c>, <c>ingest</c> or <c>read</c>.</summary>
    public string Scope { get; set; } = "";
}

/// <summary>Endpoint metadata: which scopes may call the endpoint (<see cref="ApiScope.Admin"/> always may).</summary>
/// <param name="Allowed">The accepted scopes.</param>
public sealed record RequiredScopeMetadata(IReadOnlyList<ApiScope> Allowed)
{
    /// <summary>Whether a key of <paramref name="scope"/> may call the endpoint.</summary>
    public bool Allows(ApiScope scope)
    {
        if (scope == ApiScope.Admin)
        {
            return true;
        }
        foreach (var allowed in Allowed)
        {
            if (allowed == scope)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary><c>.RequireScope(...)</c> on endpoints and route groups.</summary>
public static class ScopeEndpointExtensions
{
    /// <summary>Only keys with one of <paramref name="scopes"/> (or admin) may call the endpoint(s).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params ApiScope[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new RequiredScopeMetadata(scopes.Length == 0 ? [ApiScope.Admin] : scopes);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}
