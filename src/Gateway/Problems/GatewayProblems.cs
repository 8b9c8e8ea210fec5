using Expothesis.Fast.Storage.Catalog;
using Microsoft.AspNetCore.Diagnostics;

namespace Expothesis.Fast.Gateway.Problems;

/// <summary>
/// The one place that turns refusals into HTTP answers: every error is <c>application/problem+json</c>
/// (RFC 9457) with <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c> and, where it helps,
/// <c>errors</c> (field → messages) or <c>offset</c> (byte offset of a JSON syntax error).
/// </summary>
public static class GatewayProblems
{
    /// <summary>The HTTP status of a catalog refusal.</summary>
    public static int StatusFor(CatalogErrorKind kind) => kind switch
    {
        CatalogErrorKind.Invalid => StatusCodes.Status400BadRequest,
        CatalogErrorKind.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status409Conflict,
    };

    /// <summary>The problem result for a known exception, or null for an unexpected one.</summary>
    public static IResult? FromException(Exception exception) => exception switch
    {
        CatalogException c => Create(StatusFor(c.Kind), TitleFor(StatusFor(c.Kind)), c.Message, c.Errors.Count > 0 ? c.Errors : null),
        RequestBodyException b => Create(b.StatusCode, TitleFor(b.StatusCode), b.Message, b.Errors,
            b.Offset is { } offset ? new Dictionary<string, object?> { ["offset"] = offset } : null),
        BadHttpRequestException b => Create(b.StatusCode, TitleFor(b.StatusCode), b.Message),
        OperationCanceledException => Create(499, "Client Closed Request", "The request was cancelled."),
        _ => null,
    };

    /// <summary>A problem result.</summary>
    public static IResult Create(int status, string title, string detail,
        IReadOnlyDictionary<string, string[]>? errors = null, IDictionary<string, object?>? extensions = null)
    {
        var ext = extensions is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(extensions);
        if (errors is not null)
        {
            ext["errors"] = errors;
        }
        return Results.Problem(detail: detail, statusCode: status, title: title, type: TypeFor(status), extensions: ext);
    }

    /// <summary>Writes a problem answer directly (middleware).</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail,
        IReadOnlyDictionary<string, string[]>? errors = null, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Create(status, title, detail, errors, extensions).ExecuteAsync(context);
    }

    /// <summary>The problem <c>type</c> URI for statuses the framework has no default for (null: use the default).</summary>
    public static string? TypeFor(int status) => status switch
    {
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        400 or 401 or 403 or 404 or 405 or 406 or 408 or 409 or 412 or 415 or 422 or 426 or 500 or 502 or 503 or 504 => null,
        _ => "about:blank",
    };

    /// <summary>The reason phrase used as a problem title.</summary>
    public static string TitleFor(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    };
}

/// <summary>A request body that cannot be used: malformed JSON (with its byte offset), wrong types, too large.</summary>
public sealed class RequestBodyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RequestBodyException(int statusCode, string message, IReadOnlyDictionary<string, string[]>? errors = null, long? offset = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Errors = errors;
        Offset = offset;
    }

    /// <summary>Creates a 400.</summary>
    public RequestBodyException()
        : this(StatusCodes.Status400BadRequest, "The request body is invalid.")
    {
    }

    /// <summary>Creates a 400 with a message.</summary>
    public RequestBodyException(string message)
        : this(StatusCodes.Status400BadRequest, message)
    {
    }

    /// <summary>Creates a 400 with a message and a cause.</summary>
    public RequestBodyException(string message, Exception innerException)
        : this(StatusCodes.Status400BadRequest, message, null, null, innerException)
    {
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>Field → messages, if known.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    /// <summary>Byte offset of a JSON syntax error.</summary>
    public long? Offset { get; }
}

/// <summary>Maps exceptions that escape endpoints to problem answers via <see cref="GatewayProblems.FromException"/>.</summary>
public sealed class GatewayExceptionHandler : IExceptionHandler
{
    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var result = GatewayProblems.FromException(exception);
        if (result is null || httpContext.Response.HasStarted)
        {
            return false;
        }
        await result.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}
