using Expothesis.Fast.Gateway;
using Microsoft.AspNetCore.Builder;

namespace Expothesis.Fast.Browser.Tests;

/// <summary>The real gateway on a loopback port with a temporary data directory, serving the dashboard from the repository.</summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private GatewayServer(WebApplication app, string dataDirectory, Uri baseAddress)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<GatewayServer> StartAsync(IEnumerable<string>? extraArgs = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "expothesis-browser-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--webroot=" + RepoPaths.WebRoot,
            "--Expothesis:DataDirectory=" + dataDirectory,
            "--Expothesis:Durability=none",
            "--Expothesis:Shards=2",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            .. extraArgs ?? [],
        ];
        var app = GatewayHost.Build(GatewayHost.CreateBuilder(args));
        await app.StartAsync();
        var address = app.Urls.First();
        return new GatewayServer(app, dataDirectory, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
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
