using System.Security.Cryptography;
using System.Text;

namespace Expothesis.Fast.Gateway.Auth;

/// <summary>
/// The configured API keys. A presented key is hashed (SHA-256) and compared with every configured key's
/// hash with <see cref="CryptographicOperations.FixedTimeEquals"/>, without early exit, so neither the
/// content nor the length of a key leaks through timing.
/// </summary>
public sealed class ApiKeyRing
{
    private readonly (byte[] Hash, ApiScope Scope)[] _keys;

    /// <summary>Builds the ring; throws for an empty key or an unknown scope.</summary>
    public ApiKeyRing(IEnumerable<ApiKeyOptions> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = new List<(byte[], ApiScope)>();
        int i = 0;
        foreach (var key in keys)
        {
            if (string.IsNullOrEmpty(key.Key))
            {
                throw new InvalidOperationException($"Expothesis:Auth:Keys:{i}:Key is empty.");
            }
            if (!TryParseScope(key.Scope, out var scope))
            {
                throw new InvalidOperationException($"Expothesis:Auth:Keys:{i}:Scope must be admin, ingest or read (got '{key.Scope}').");
            }
            list.Add((SHA256.HashData(Encoding.UTF8.GetBytes(key.Key)), scope));
            i++;
        }
        _keys = [.. list];
    }

    /// <summary>True when no key is configured (open mode, loopback only).</summary>
    public bool IsOpen => _keys.Length == 0;

    /// <summary>The scope of <paramref name="presented"/>, or false when it is not a configured key.</summary>
    public bool TryAuthenticate(ReadOnlySpan<char> presented, out ApiScope scope)
    {
        scope = ApiScope.Read;
        if (presented.IsEmpty || presented.Length > 1024)
        {
            return false;
        }
        Span<byte> utf8 = stackalloc byte[256];
        byte[]? rented = null;
        int max = Encoding.UTF8.GetMaxByteCount(presented.Length);
        if (max > utf8.Length)
        {
            rented = new byte[max];
            utf8 = rented;
        }
        int n = Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..n], hash);
        bool found = false;
        foreach (var (keyHash, keyScope) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash) && !found)
            {
                found = true;
                scope = keyScope;
            }
        }
        return found;
    }

    /// <summary>Parses <c>admin</c>, <c>ingest</c> or <c>read</c> (case-insensitive).</summary>
    public static bool TryParseScope(string? value, out ApiScope scope)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "admin": scope = ApiScope.Admin; return true;
            case "ingest": scope = ApiScope.Ingest; return true;
            case "read": scope = ApiScope.Read; return true;
            default: scope = ApiScope.Read; return false;
        }
    }
}
