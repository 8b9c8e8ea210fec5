using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Query;
using Expothesis.Fast.Storage.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Expothesis.Fast.Gateway.Tests.Analysis;

/// <summary>A real Kestrel gateway on 127.0.0.1:0 (the host maps the analysis endpoints and runs the bandit updater).</summary>
internal sealed class AnalysisGateway : IAsyncDisposable
{
    private readonly string _directory;

    private AnalysisGateway(WebApplication app, string directory)
    {
        App = app;
        _directory = directory;
        BaseAddress = new Uri(app.Urls.First());
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public bool EventsOverHttp { get; private set; } = true;

    public static async Task<AnalysisGateway> StartAsync(params string[] extraArgs)
    {
        string dir = Path.Combine(Path.GetTempPath(), "expothesis-analysis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--Expothesis:DataDirectory=" + dir, "--Expothesis:Durability=none" };
        args.AddRange(extraArgs);
        var builder = GatewayHost.CreateBuilder([.. args]);
        builder.Logging.ClearProviders();
        var app = GatewayHost.Build(builder);
        await app.StartAsync();
        return new AnalysisGateway(app, dir);
    }

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>
    /// Posts NDJSON events to <c>/api/v1/events/batch</c>. While that endpoint is not mapped in this build (404),
    /// the same bytes go through the gateway's own <see cref="BatchParser"/> into the engine in process.
    /// Returns the number of accepted events.
    /// </summary>
    public async Task<int> SendEventsAsync(HttpClient client, IReadOnlyList<string> ndjsonLines)
    {
        int accepted = 0;
        for (int start = 0; start < ndjsonLines.Count; start += 5000)
        {
            string body = string.Join('\n', ndjsonLines.Skip(start).Take(5000)) + "\n";
            if (EventsOverHttp)
            {
                using var content = new StringContent(body, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                using var response = await client.PostAsync("/api/v1/events/batch", content);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    EventsOverHttp = false;
                }
                else
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    accepted += doc.RootElement.GetProperty("accepted").GetInt32();
                    continue;
                }
            }

            accepted += await IngestInProcessAsync(Encoding.UTF8.GetBytes(body));
        }

        return accepted;
    }

    private async Task<int> IngestInProcessAsync(byte[] body)
    {
        var engine = App.Services.GetRequiredService<ExpothesisEngine>();
        using var batch = new EventBatch();
        var rejections = new IngestRejections();
        var parser = new BatchParser(new GatewayLimits());
        parser.Reset(engine.Catalog.Current, batch, rejections, BatchFormat.Ndjson, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var outcome = await parser.ParseAsync(PipeReader.Create(new MemoryStream(body)), CancellationToken.None);
        Assert.True(outcome.IsOk, outcome.Message);
        var outcomes = new RejectionCode[batch.Count];
        var result = await engine.Ingest.IngestAsync(batch, outcomes);
        Assert.Equal(Storage.Engine.IngestStatus.Completed, result.Status);
        return result.Accepted;
    }

    public async ValueTask DisposeAsync()
    {
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
