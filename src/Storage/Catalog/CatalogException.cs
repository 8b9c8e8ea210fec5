namespace Expothesis.Fast.Storage.Catalog;

/// <summary>Why a catalog operation was refused; the gateway maps each to one HTTP status.</summary>
public enum CatalogErrorKind
{
    /// <summary>The definition is invalid (400); <see cref="CatalogException.Errors"/> names the fields.</summary>
    Invalid,
    /// <summary>No experiment has that id or key (404).</summary>
    NotFound,
    /// <summary>The change conflicts with the experiment's state or another experiment (409).</summary>
    Conflict,
}

/// <summary>A refused catalog operation, with the fields at fault.</summary>
public sealed class CatalogException : Exception
{
    private static readonly Dictionary<string, string[]> s_none = [];

    /// <summary>Creates the exception.</summary>
    public CatalogException(CatalogErrorKind kind, string message, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        Kind = kind;
        Errors = errors ?? s_none;
    }

    /// <summary>Creates an <see cref="CatalogErrorKind.Invalid"/> exception.</summary>
    public CatalogException()
        : this(CatalogErrorKind.Invalid, "The request is invalid.")
    {
    }

    /// <summary>Creates an <see cref="CatalogErrorKind.Invalid"/> exception with a message.</summary>
    public CatalogException(string message)
        : this(CatalogErrorKind.Invalid, message)
    {
    }

    /// <summary>Creates an <see cref="CatalogErrorKind.Invalid"/> exception with a message and a cause.</summary>
    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = CatalogErrorKind.Invalid;
        Errors = s_none;
    }

    /// <summary>What kind of refusal this is.</summary>
    public CatalogErrorKind Kind { get; }

    /// <summary>Field (snake_case path such as <c>variants[1].weight</c>) → messages.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    internal static CatalogException NotFound(string idOrKey)
        => new(CatalogErrorKind.NotFound, $"No experiment has the id or key '{idOrKey}'.");

    internal static CatalogException DuplicateKey(string key, string usedBy)
        => new(CatalogErrorKind.Invalid, $"The key '{key}' is already used by experiment {usedBy}.",
            new Dictionary<string, string[]> { ["key"] = [$"'{key}' is already used by experiment {usedBy}"] });

    internal static CatalogException Conflict(string message, string? field = null)
        => new(CatalogErrorKind.Conflict, message, field is null ? null : new Dictionary<string, string[]> { [field] = [message] });
}
