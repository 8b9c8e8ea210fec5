using Expothesis.Fast.Gateway;
using Microsoft.AspNetCore.Builder;

namespace Expothesis.Fast.Browser.Tests;

/// <summary>The real gateway on a loopback port with a temporary data directory, serving the dashboard from the repository.</summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;
    private readonly bool _ownsData;

    private GatewayServer(WebApplication app, string dataDirectory, bool ownsData, Uri baseAddress)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        _ownsData = ownsData;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory => _dataDirectory;

    /// <summary>
    /// Starts a gateway. Without <paramref name="dataDirectory"/> it gets a fresh temporary one (deleted on dispose);
    /// with one (and a port) it restarts over existing data, as after a server restart.
    /// </summary>
    public static async Task<GatewayServer> StartAsync(IEnumerable<string>? extraArgs = null, string? dataDirectory = null, int port = 0, string durability = "none")
    {
        bool ownsData = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "expothesis-browser-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        string[] args =
        [
            $"--urls=http://127.0.0.1:{port}",
            "--webroot=" + RepoPaths.WebRoot,
            "--Expothesis:DataDirectory=" + dataDirectory,
            "--Expothesis:Durability=" + durability,
            "--Expothesis:Shards=2",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            .. extraArgs ?? [],
        ];
        var app = GatewayHost.Build(GatewayHost.CreateBuilder(args));
        await app.StartAsync();
        var address = app.Urls.First();
        return new GatewayServer(app, dataDirectory, ownsData, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_ownsData)
        {
            return;
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the host is left for the OS temp cleaner.
        }
    }
}
