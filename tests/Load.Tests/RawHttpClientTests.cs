using System.Net;
using System.Net.Sockets;
using System.Text;
using Expothesis.Fast.Load.Http;

namespace Expothesis.Fast.Load.Tests;

public sealed class RawHttpClientTests
{
    [Fact]
    public async Task Chunked_and_content_length_responses_are_read_on_one_kept_alive_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string[] responses =
        [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nRetry-After: 1\r\n\r\nbusy",
        ];
        var requests = new List<string>();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[4096];
            var pending = "";
            foreach (var response in responses)
            {
                while (!pending.Contains("\r\n\r\n", StringComparison.Ordinal) || !HasWholeBody(pending))
                {
                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
                    pending += Encoding.ASCII.GetString(buffer, 0, n);
                }

                var end = RequestEnd(pending);
                requests.Add(pending[..end]);
                pending = pending[end..];
                await socket.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None);
            }
        });

        using var client = new RawHttpClient(new Uri($"http://127.0.0.1:{port}"), "secret", 1);
        var body = "{\"a\":1}"u8.ToArray();
        var first = await client.SendAsync(client.BuildRequest("POST", "/api/v1/assign", body),
            (status, b) => (status, Encoding.ASCII.GetString(b.Span)), CancellationToken.None);
        var second = await client.SendAsync(client.BuildRequest("GET", "/health/ready", default),
            (status, b) => (status, Encoding.ASCII.GetString(b.Span)), CancellationToken.None);
        await server;

        Assert.Equal((200, "hello world"), first);
        Assert.Equal((503, "busy"), second);
        Assert.StartsWith("POST /api/v1/assign HTTP/1.1\r\nHost: 127.0.0.1:", requests[0], StringComparison.Ordinal);
        Assert.Contains("X-API-Key: secret\r\n", requests[0], StringComparison.Ordinal);
        Assert.EndsWith("Content-Length: 7\r\n\r\n{\"a\":1}", requests[0], StringComparison.Ordinal);
        Assert.StartsWith("GET /health/ready HTTP/1.1\r\n", requests[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", requests[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Response_heads_yield_status_length_chunking_and_close()
    {
        var head = RawHttpHead.Parse("HTTP/1.1 429 Too Many Requests\r\ncontent-length: 12\r\nConnection: close"u8);
        Assert.Equal(new RawHttpHead(429, 12, false, true), head);
        Assert.Throws<IOException>(() => RawHttpHead.Parse("garbage"u8));
    }

    private static int RequestEnd(string text)
    {
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var marker = "Content-Length: ";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0 || at > headEnd)
        {
            return headEnd;
        }

        var lineEnd = text.IndexOf("\r\n", at, StringComparison.Ordinal);
        return headEnd + int.Parse(text[(at + marker.Length)..lineEnd], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool HasWholeBody(string text) => text.Length >= RequestEnd(text);
}
