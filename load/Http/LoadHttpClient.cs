using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Load.Measurement;

namespace Expothesis.Fast.Load.Http;

/// <summary>
/// HTTP/1.1 client for load generation: one <see cref="SocketsHttpHandler"/> with enough connections,
/// pre-serialized bodies sent as <see cref="ByteArrayContent"/>, responses read into pooled buffers.
/// </summary>
internal sealed class LoadHttpClient : IDisposable
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private readonly HttpClient _client;
    private readonly Uri _baseUrl;

    public LoadHttpClient(Uri baseUrl, string? apiKey, int maxConnections)
    {
        _baseUrl = new Uri(baseUrl.ToString().TrimEnd('/') + "/", UriKind.Absolute);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (!string.IsNullOrEmpty(apiKey))
        {
            _client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }
    }

    /// <summary>An absolute URI for a path relative to the base URL (e.g. <c>api/v1/assign</c>).</summary>
    public Uri Resolve(string relativePath) => new(_baseUrl, relativePath.TrimStart('/'));

    /// <summary>Posts a batch; the outcome carries the server's accepted and rejected counts.</summary>
    public async ValueTask<RequestOutcome> PostBatchAsync(Uri uri, byte[] body, OperationStats? diagnostics, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = Json(body) };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = await ReadAllAsync(response, buffer, ct).ConfigureAwait(false);
            if (status is < 200 or >= 300)
            {
                diagnostics?.NoteError($"{status}: {Encoding.UTF8.GetString(buffer, 0, length)}");
                return new RequestOutcome(status, 0, 0, null);
            }

            var (accepted, rejected) = ParseCounts(buffer.AsSpan(0, length));
            if (rejected > 0)
            {
                diagnostics?.NoteError($"{status} with rejections: {Encoding.UTF8.GetString(buffer, 0, Math.Min(length, 2000))}");
            }

            return new RequestOutcome(status, accepted, rejected, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends a request and discards the response body; success counts as one accepted unit.</summary>
    public async ValueTask<RequestOutcome> SendAsync(HttpMethod method, Uri uri, byte[]? body, OperationStats? diagnostics, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = Json(body);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = await ReadAllAsync(response, buffer, ct).ConfigureAwait(false);
            if (status is < 200 or >= 300)
            {
                diagnostics?.NoteError($"{status}: {Encoding.UTF8.GetString(buffer, 0, length)}");
                return new RequestOutcome(status, 0, 0, null);
            }

            return new RequestOutcome(status, 1, 0, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends a request and returns the status and the whole body (setup, analysis documents).</summary>
    public async Task<(int Status, byte[] Body)> ExchangeAsync(HttpMethod method, string relativePath, byte[]? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, Resolve(relativePath));
        if (body is not null)
        {
            request.Content = Json(body);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return ((int)response.StatusCode, bytes);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Reads <c>accepted</c> and <c>rejected</c> from an ingest response; (0, 0) when absent.</summary>
    internal static (long Accepted, long Rejected) ParseCounts(ReadOnlySpan<byte> json)
    {
        long accepted = 0, rejected = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    var isAccepted = reader.ValueTextEquals("accepted"u8);
                    var isRejected = !isAccepted && reader.ValueTextEquals("rejected"u8);
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.Number)
                    {
                        if (isAccepted)
                        {
                            accepted = reader.GetInt64();
                        }
                        else if (isRejected)
                        {
                            rejected = reader.GetInt64();
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            return (accepted, rejected);
        }

        return (accepted, rejected);
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = s_json;
        return content;
    }

    /// <summary>Reads the body into <paramref name="buffer"/>, keeping the first buffer-full and draining the rest.</summary>
    private static async ValueTask<int> ReadAllAsync(HttpResponseMessage response, byte[] buffer, CancellationToken ct)
    {
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var total = 0;
            while (true)
            {
                var target = total < buffer.Length ? buffer.AsMemory(total) : buffer.AsMemory(buffer.Length / 2);
                var n = await stream.ReadAsync(target, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    return Math.Min(total, buffer.Length);
                }

                total += n;
            }
        }
    }
}
