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
    private readonly RawHttpClient? _raw;

    /// <param name="baseUrl">Server base URL.</param>
    /// <param name="apiKey">Sent as X-API-Key when given.</param>
    /// <param name="maxConnections">Connection pool size.</param>
    /// <param name="raw">Send prepared requests over <see cref="RawHttpClient"/> instead of HttpClient.</param>
    public LoadHttpClient(Uri baseUrl, string? apiKey, int maxConnections, bool raw = false)
    {
        _raw = raw ? new RawHttpClient(baseUrl, apiKey, maxConnections) : null;
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

    /// <summary>A request whose bytes are built once and sent many times.</summary>
    public PreparedRequest Prepare(HttpMethod method, Uri uri, byte[]? body) =>
        new(method, uri, body, _raw?.BuildRequest(method.Method, uri.PathAndQuery, body));

    /// <summary>Posts a batch; the outcome carries the server's accepted and rejected counts.</summary>
    public ValueTask<RequestOutcome> PostBatchAsync(PreparedRequest request, OperationStats? diagnostics, CancellationToken ct) =>
        SendAsync(request, countEvents: true, diagnostics, ct);

    /// <summary>Sends a request and discards the response body; success counts as one accepted unit.</summary>
    public ValueTask<RequestOutcome> SendAsync(PreparedRequest request, OperationStats? diagnostics, CancellationToken ct) =>
        SendAsync(request, countEvents: false, diagnostics, ct);

    /// <summary>Posts a batch built on the fly (simulator).</summary>
    public ValueTask<RequestOutcome> PostBatchAsync(Uri uri, byte[] body, OperationStats? diagnostics, CancellationToken ct) =>
        SendAsync(new PreparedRequest(HttpMethod.Post, uri, body, null), countEvents: true, diagnostics, ct);

    private async ValueTask<RequestOutcome> SendAsync(PreparedRequest prepared, bool countEvents, OperationStats? diagnostics, CancellationToken ct)
    {
        if (_raw is not null && prepared.Raw is not null)
        {
            return await _raw.SendAsync(prepared.Raw, (status, body) => Outcome(status, body.Span, countEvents, diagnostics), ct).ConfigureAwait(false);
        }

        using var request = new HttpRequestMessage(prepared.Method, prepared.Uri);
        if (prepared.Body is not null)
        {
            request.Content = Json(prepared.Body);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = await ReadAllAsync(response, buffer, ct).ConfigureAwait(false);
            return Outcome((int)response.StatusCode, buffer.AsSpan(0, length), countEvents, diagnostics);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static RequestOutcome Outcome(int status, ReadOnlySpan<byte> body, bool countEvents, OperationStats? diagnostics)
    {
        if (status is < 200 or >= 300)
        {
            diagnostics?.NoteError($"{status}: {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 2000)])}");
            return new RequestOutcome(status, 0, 0, null);
        }

        if (!countEvents)
        {
            return new RequestOutcome(status, 1, 0, null);
        }

        var (accepted, rejected) = ParseCounts(body);
        if (rejected > 0)
        {
            diagnostics?.NoteError($"{status} with rejections: {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 2000)])}");
        }

        return new RequestOutcome(status, accepted, rejected, null);
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

    public void Dispose()
    {
        _client.Dispose();
        _raw?.Dispose();
    }

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

/// <summary>A request ready to send: for HttpClient its parts, for the raw client its bytes.</summary>
internal sealed record PreparedRequest(HttpMethod Method, Uri Uri, byte[]? Body, byte[]? Raw);
