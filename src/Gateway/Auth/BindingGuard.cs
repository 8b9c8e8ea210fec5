using System.Net;

namespace Expothesis.Fast.Gateway.Auth;

/// <summary>
/// Refuses to start an open (key-less) server on anything but loopback addresses (API.md "Keys").
/// </summary>
public static class BindingGuard
{
    /// <summary>Every address the configuration asks to listen on (<c>urls</c>, <c>Kestrel:Endpoints:*:Url</c>, <c>http_ports</c>).</summary>
    public static IReadOnlyList<string> GetConfiguredAddresses(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var addresses = new List<string>();
        string? urls = configuration["urls"];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            addresses.AddRange(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                addresses.Add(url);
            }
        }
        if (addresses.Count == 0)
        {
            foreach (var key in new[] { "http_ports", "https_ports" })
            {
                if (configuration[key] is { Length: > 0 } ports)
                {
                    foreach (var port in ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        addresses.Add("http://*:" + port);
                    }
                }
            }
        }
        return addresses;
    }

    /// <summary>Whether <paramref name="url"/> listens on loopback only.</summary>
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        string rest = scheme >= 0 ? url[(scheme + 3)..] : url;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            rest = rest[..slash];
        }
        string host;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? rest[1..close] : rest;
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
        }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Throws when <paramref name="keys"/> is open and an address is not loopback.</summary>
    public static void EnsureSafe(IConfiguration configuration, ApiKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.IsOpen)
        {
            return;
        }
        foreach (var address in GetConfiguredAddresses(configuration))
        {
            if (!IsLoopback(address))
            {
                throw new InvalidOperationException(
                    $"Refusing to listen on {address} without API keys: configure Expothesis:Auth:Keys (key + scope) or bind to loopback (http://127.0.0.1:PORT).");
            }
        }
    }
}
