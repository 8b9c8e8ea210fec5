using System.Net.Http.Json;
using System.Text.Json;

namespace Expothesis.Fast.Browser.Tests;

/// <summary>One gateway and one browser for the dashboard tests (starting chromium is the slow part).</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private GatewayServer? _server;
    private BrowserSession? _browser;

    internal GatewayServer Server => _server ?? throw new InvalidOperationException("Not started.");

    internal BrowserSession Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public HttpClient Http { get; private set; } = new();

    public async Task InitializeAsync()
    {
        var server = GatewayServer.StartAsync();
        var browser = BrowserSession.LaunchAsync();
        _server = await server;
        _browser = await browser;
        Http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Posts events through the public API and checks that every one was accepted.</summary>
    public async Task PostEventsAsync(IReadOnlyList<object> events)
    {
        using var response = await Http.PostAsJsonAsync("api/v1/events/batch", new { events });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"events/batch answered {(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        Assert.True(doc.RootElement.GetProperty("rejected").GetInt64() == 0, $"events were rejected: {body}");
        Assert.Equal(events.Count, doc.RootElement.GetProperty("accepted").GetInt64());
    }

    /// <summary>Creates and starts an experiment through the API (for the pages that only need one to exist).</summary>
    public async Task<string> CreateRunningExperimentAsync(string key)
    {
        var spec = new
        {
            key,
            name = "Narrow " + key,
            hypothesis = new { mde = 0.05, mde_relative = false, alpha = 0.05, power = 0.8 },
            variants = new object[]
            {
                new { key = "control", name = "Control", weight = 0.5, is_control = true },
                new { key = "treatment", name = "Treatment", weight = 0.5 },
            },
            metrics = new object[] { new { name = "conversion", kind = "binary", role = "primary", direction = "increase" } },
        };
        using var created = await Http.PostAsJsonAsync("api/v1/experiments", spec);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, $"create answered {(int)created.StatusCode}: {body}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        using var started = await Http.PostAsync($"api/v1/experiments/{id}/start", content: null);
        Assert.True(started.IsSuccessStatusCode, $"start answered {(int)started.StatusCode}");
        return id;
    }
}

/// <summary>The browser tests share one gateway and one chromium.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "dashboard";
}
