using System.Buffers;
using System.Text.Json;
using Expothesis.Fast.Storage.Catalog;

namespace Expothesis.Fast.Gateway.Problems;

/// <summary>
/// Reads small JSON request bodies (experiment definitions, assignment requests) with a size cap, turning
/// syntax errors into 400 with the byte offset and type errors into 400 naming the field.
/// </summary>
public static class JsonBody
{
    /// <summary>Largest accepted body (1 MiB).</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Reads the whole body and deserializes it as <typeparamref name="T"/> with the catalog's snake_case options.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] body = await ReadBytesAsync(request, ct).ConfigureAwait(false);
        return Parse<T>(body);
    }

    /// <summary>Deserializes <paramref name="body"/>; throws <see cref="RequestBodyException"/>.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> body)
        where T : class
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new RequestBodyException(StatusCodes.Status400BadRequest, "A JSON body is required.",
                new Dictionary<string, string[]> { ["$"] = ["a JSON object is required"] });
        }
        try
        {
            return JsonSerializer.Deserialize<T>(body, CatalogJson.Options)
                ?? throw new RequestBodyException(StatusCodes.Status400BadRequest, "The body must be a JSON object, not null.",
                    new Dictionary<string, string[]> { ["$"] = ["must be an object"] });
        }
        catch (JsonException ex)
        {
            string field = FieldOf(ex.Path);
            long? offset = OffsetOf(body, ex.LineNumber, ex.BytePositionInLine);
            bool syntax = ex.InnerException is JsonException;
            string detail = syntax && offset is not null
                ? $"Malformed JSON at byte offset {offset}: {ex.Message}"
                : $"The field '{field}' has the wrong type: {ex.Message}";
            throw new RequestBodyException(StatusCodes.Status400BadRequest, detail,
                new Dictionary<string, string[]> { [field] = [ex.Message] }, offset, ex);
        }
    }

    /// <summary>Reads the body into an array, 413 beyond <see cref="MaxBytes"/>.</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes)
        {
            throw new RequestBodyException(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBytes} bytes.");
        }
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct).ConfigureAwait(false);
            if (read.Buffer.Length > MaxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                throw new RequestBodyException(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBytes} bytes.");
            }
            if (read.IsCompleted || read.IsCanceled)
            {
                byte[] bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary><c>$.variants[0].weight</c> → <c>variants[0].weight</c>.</summary>
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static long? OffsetOf(ReadOnlySpan<byte> body, long? line, long? bytePositionInLine)
    {
        if (line is not { } l || bytePositionInLine is not { } p)
        {
            return null;
        }
        long offset = 0;
        for (long i = 0; i < l; i++)
        {
            int newline = body[(int)offset..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return null;
            }
            offset += newline + 1;
        }
        return offset + p;
    }
}
