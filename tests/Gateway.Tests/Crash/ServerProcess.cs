using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Expothesis.Fast.Gateway.Tests.Crash;

/// <summary>The real gateway binary (<c>dotnet Expothesis.Fast.Gateway.dll</c>) as a child process on a free loopback port.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _log = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The last lines the server wrote (for failure messages).</summary>
    public string RecentOutput
    {
        get
        {
            lock (_log)
            {
                return string.Join("\n", _log);
            }
        }
    }

    public static ServerProcess Start(string dataDirectory)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Expothesis.Fast.Gateway.dll");
        Assert.True(File.Exists(dll), dll + " is missing");
        int port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        info.ArgumentList.Add("--Expothesis:DataDirectory=" + dataDirectory);
        info.ArgumentList.Add("--Expothesis:Durability=fsync");
        info.ArgumentList.Add("--Expothesis:Shards=2");
        info.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        var process = Process.Start(info)!;
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls /health/ready until 200 (at most ~30 s).</summary>
    public async Task WaitUntilReadyAsync(HttpClient client)
    {
        for (int i = 0; i < 300; i++)
        {
            Assert.False(_process.HasExited, "the server exited: " + RecentOutput);
            try
            {
                if ((await client.GetAsync(new Uri(BaseAddress, "/health/ready"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        Assert.Fail("/health/ready never answered 200: " + RecentOutput);
    }

    /// <summary>SIGKILL: no shutdown, no flush, no checkpoint.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > 40)
            {
                _log.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
