using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Expothesis.Fast.Browser.Tests;

/// <summary>The live indicator follows the SSE stream through a server restart.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveReconnectTests
{
    private readonly DashboardFixture _fx;

    public LiveReconnectTests(DashboardFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public async Task Live_indicator_shows_the_outage_and_is_live_again_after_the_server_restarts()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "expothesis-browser-restart-" + Guid.NewGuid().ToString("N"));
        // An open SSE stream would hold a graceful shutdown for the default 30 s.
        string[] quickStop = ["--shutdownTimeoutSeconds=1"];
        try
        {
            var first = await GatewayServer.StartAsync(quickStop, dataDirectory, durability: "flush");
            int port = first.BaseAddress.Port;
            string id;
            using (var http = new HttpClient { BaseAddress = first.BaseAddress })
            {
                id = await CreateAndFeedAsync(http);
            }

            var (context, page, errors) = await _fx.Browser.NewPageAsync(1280, 800);
            await using var _ = context;
            await page.GotoAsync(new Uri(first.BaseAddress, $"#/experiments/{id}").ToString());
            await Expect(page.Locator("#live-indicator")).ToHaveAttributeAsync("data-state", "live");
            await Expect(page.Locator("#results-table tr[data-metric=conversion][data-variant=control] [data-testid=units]")).ToHaveTextAsync("20");

            await first.DisposeAsync();
            await Expect(page.Locator("#live-indicator")).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("^(reconnecting|offline)$"));

            await using var second = await GatewayServer.StartAsync(quickStop, dataDirectory, port, durability: "flush");
            await Expect(page.Locator("#live-indicator")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
            await Expect(page.Locator("#results-table tr[data-metric=conversion][data-variant=control] [data-testid=units]")).ToHaveTextAsync("20");

            // The outage itself logs refused connections; nothing may throw in the page.
            List<string> snapshot;
            lock (errors)
            {
                snapshot = [.. errors];
            }
            Assert.DoesNotContain(snapshot, e => e.StartsWith("pageerror", StringComparison.Ordinal));
            Assert.All(snapshot, e => Assert.Contains("Failed to load resource", e, StringComparison.Ordinal));
        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner.
            }
        }
    }

    private static async Task<string> CreateAndFeedAsync(HttpClient http)
    {
        var spec = new
        {
            key = "restart-check",
            name = "Restart check",
            variants = new object[] { new { key = "control" }, new { key = "treatment" } },
            metrics = new object[] { new { name = "conversion", kind = "binary", role = "primary" } },
        };
        using var created = await http.PostAsJsonAsync("api/v1/experiments", spec);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using var started = await http.PostAsync($"api/v1/experiments/{id}/start", content: null);
        Assert.True(started.IsSuccessStatusCode);

        var events = new List<object>();
        for (var i = 0; i < 40; i++)
        {
            events.Add(new { experiment = "restart-check", user_id = $"r{i}", type = "exposure", variant = i % 2 == 0 ? "control" : "treatment" });
        }
        using var posted = await http.PostAsJsonAsync("api/v1/events/batch", new { events });
        var body = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.IsSuccessStatusCode, body);
        Assert.Equal(40, JsonDocument.Parse(body).RootElement.GetProperty("accepted").GetInt32());
        return id;
    }
}
