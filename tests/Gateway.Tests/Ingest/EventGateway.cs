using Expothesis.Fast.Gateway.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

/// <summary>A real Kestrel gateway on 127.0.0.1:0 with the event endpoints mapped, over a temporary data directory.</summary>
internal sealed class EventGateway : IAsyncDisposable
{
    private readonly string _directory;

    private EventGateway(WebApplication app, string directory)
    {
        App = app;
        _directory = directory;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<EventGateway> StartAsync(params string[] extraArgs)
    {
        string directory = Path.Combine(Path.GetTempPath(), "expothesis-ev-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--Expothesis:DataDirectory=" + directory, "--Expothesis:Durability=flush", "--Expothesis:Shards=2" };
        args.AddRange(extraArgs);
        var builder = GatewayHost.CreateBuilder([.. args]);
        builder.Logging.ClearProviders();
        builder.Services.AddEventIngest(builder.Configuration);
        var app = GatewayHost.Build(builder);
        app.MapEventEndpoints();
        await app.StartAsync();
        var gateway = new EventGateway(app, directory);
        for (int i = 0; i < 100 && !(await gateway.Client.GetAsync("/health/ready")).IsSuccessStatusCode; i++)
        {
            await Task.Delay(50);
        }
        return gateway;
    }

    /// <summary>Creates and starts the standard checkout-button experiment (metrics purchase, revenue, errors; variants control, green).</summary>
    public async Task StartExperimentAsync()
    {
        var created = await Client.CreateAsync();
        string id = created.GetProperty("id").GetString()!;
        var started = await Client.PostEmptyAsync($"/api/v1/experiments/{id}/start");
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
