using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Expothesis.Fast.Load.Http;

/// <summary>
/// A minimal HTTP/1.1 keep-alive client over raw sockets for request rates HttpClient cannot generate from one core:
/// one write per request (pre-built head + body), responses parsed in place (Content-Length or chunked). No pipelining:
/// a connection carries one request at a time, so latency means the same as with HttpClient.
/// </summary>
internal sealed class RawHttpClient : IDisposable
{
    private readonly Channel<RawHttpConnection> _idle = Channel.CreateUnbounded<RawHttpConnection>();
    private readonly EndPoint _endPoint;
    private readonly string _host;
    private readonly string? _apiKey;
    private readonly int _maxConnections;
    private int _created;
    private bool _disposed;

    public RawHttpClient(Uri baseUrl, string? apiKey, int maxConnections)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        _endPoint = IPAddress.TryParse(baseUrl.Host, out var ip)
            ? new IPEndPoint(ip, baseUrl.Port)
            : new DnsEndPoint(baseUrl.Host, baseUrl.Port);
        _host = baseUrl.Authority;
        _apiKey = apiKey;
        _maxConnections = Math.Max(1, maxConnections);
    }

    /// <summary>The request head for <paramref name="method"/> and <paramref name="pathAndQuery"/> with a body length.</summary>
    public byte[] BuildRequest(string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        var head = new StringBuilder(256)
            .Append(CultureInfo.InvariantCulture, $"{method} {pathAndQuery} HTTP/1.1\r\nHost: {_host}\r\n");
        if (_apiKey is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"X-API-Key: {_apiKey}\r\n");
        }

        if (!body.IsEmpty || method is "POST" or "PUT")
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n");
        }

        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var request = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(request, 0);
        body.CopyTo(request.AsSpan(headBytes.Length));
        return request;
    }

    /// <summary>Sends a pre-built request and hands the status and body to <paramref name="onResponse"/>.</summary>
    public async ValueTask<T> SendAsync<T>(byte[] request, Func<int, ReadOnlyMemory<byte>, T> onResponse, CancellationToken ct)
    {
        var connection = await AcquireAsync(ct).ConfigureAwait(false);
        try
        {
            var (status, body) = await connection.ExchangeAsync(request, ct).ConfigureAwait(false);
            return onResponse(status, body);
        }
        catch
        {
            connection.Broken = true;
            throw;
        }
        finally
        {
            Release(connection);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.Reader.TryRead(out var c))
        {
            c.Dispose();
        }
    }

    private async ValueTask<RawHttpConnection> AcquireAsync(CancellationToken ct)
    {
        if (_idle.Reader.TryRead(out var idle))
        {
            return idle;
        }

        if (Interlocked.Increment(ref _created) <= _maxConnections)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(_endPoint, ct).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                Interlocked.Decrement(ref _created);
                throw;
            }

            return new RawHttpConnection(socket);
        }

        Interlocked.Decrement(ref _created);
        return await _idle.Reader.ReadAsync(ct).ConfigureAwait(false);
    }

    private void Release(RawHttpConnection connection)
    {
        if (connection.Broken || _disposed)
        {
            connection.Dispose();
            Interlocked.Decrement(ref _created);
            return;
        }

        _idle.Writer.TryWrite(connection);
    }
}

/// <summary>One keep-alive connection with its receive buffer.</summary>
internal sealed class RawHttpConnection(Socket socket) : IDisposable
{
    private byte[] _buffer = new byte[16 * 1024];
    private readonly ArrayBufferWriter<byte> _chunked = new(4096);
    private int _start;
    private int _end;

    public bool Broken { get; set; }

    public async ValueTask<(int Status, ReadOnlyMemory<byte> Body)> ExchangeAsync(byte[] request, CancellationToken ct)
    {
        var sent = 0;
        while (sent < request.Length)
        {
            sent += await socket.SendAsync(request.AsMemory(sent), SocketFlags.None, ct).ConfigureAwait(false);
        }

        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(ct).ConfigureAwait(false);
        }

        var head = RawHttpHead.Parse(_buffer.AsSpan(_start, headEnd));
        _start += headEnd + 4;
        if (head.Close)
        {
            Broken = true;
        }

        if (head.Chunked)
        {
            return (head.Status, await ReadChunkedAsync(ct).ConfigureAwait(false));
        }

        var length = head.ContentLength;
        while (_end - _start < length)
        {
            await FillAsync(ct).ConfigureAwait(false);
        }

        var body = _buffer.AsMemory(_start, length);
        _start += length;
        return (head.Status, body);
    }

    public void Dispose() => socket.Dispose();

    private async ValueTask<ReadOnlyMemory<byte>> ReadChunkedAsync(CancellationToken ct)
    {
        _chunked.ResetWrittenCount();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync(ct).ConfigureAwait(false);
            }

            var sizeText = _buffer.AsSpan(_start, lineEnd);
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                sizeText = sizeText[..semicolon];
            }

            if (!int.TryParse(Encoding.ASCII.GetString(sizeText).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new IOException("bad chunk size");
            }

            _start += lineEnd + 2;
            if (size == 0)
            {
                // trailers end with an empty line
                while (true)
                {
                    while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
                    {
                        await FillAsync(ct).ConfigureAwait(false);
                    }

                    _start += lineEnd + 2;
                    if (lineEnd == 0)
                    {
                        return _chunked.WrittenMemory;
                    }
                }
            }

            while (_end - _start < size + 2)
            {
                await FillAsync(ct).ConfigureAwait(false);
            }

            _chunked.Write(_buffer.AsSpan(_start, size));
            _start += size + 2;
        }
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0 && _end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
        if (n == 0)
        {
            Broken = true;
            throw new IOException("connection closed by the server");
        }

        _end += n;
    }
}

/// <summary>The parts of a response head the client needs.</summary>
internal readonly record struct RawHttpHead(int Status, int ContentLength, bool Chunked, bool Close)
{
    public static RawHttpHead Parse(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8)
            || !int.TryParse(statusLine.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException("bad status line");
        }

        int length = 0;
        bool chunked = false, close = false;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = Encoding.ASCII.GetString(line[..colon]);
            var value = Encoding.ASCII.GetString(line[(colon + 1)..]).Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        return new RawHttpHead(status, length, chunked, close);
    }
}
