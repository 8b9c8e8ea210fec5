using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Expothesis.Fast.Browser.Tests;

/// <summary>The dashboard against the real gateway in headless Debian chromium.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests
{
    /// <summary>The bound for a live update to reach the page after the events were acknowledged.</summary>
    private static readonly TimeSpan s_liveBudget = TimeSpan.FromSeconds(2);

    private readonly DashboardFixture _fx;
    private readonly ITestOutputHelper _output;

    public DashboardTests(DashboardFixture fixture, ITestOutputHelper output)
    {
        _fx = fixture;
        _output = output;
    }

    [Fact]
    public async Task Experiment_built_in_the_browser_updates_live_flags_srm_and_stops_through_the_buttons()
    {
        var (context, page, errors) = await _fx.Browser.NewPageAsync(1280, 800);
        await using var _ = context;

        // 1. Create it through the builder.
        await page.GotoAsync(Url("#/new"));
        await page.FillAsync("#f-name", "Checkout button colour");
        await Expect(page.Locator("#f-key")).ToHaveValueAsync("checkout-button-colour");
        await page.FillAsync("#f-key", "browser-checkout");
        await page.FillAsync("#f-description", "Green vs blue checkout button");
        await page.FillAsync("#f-hypothesis-alternative", "green converts better");
        await page.FillAsync("#f-variants-0-name", "Blue");
        await page.FillAsync("#f-variants-1-key", "green");
        await page.FillAsync("#f-variants-1-name", "Green");
        await page.FillAsync("#f-variants-0-weight", "40");
        await Expect(page.Locator("#weights-sum")).ToContainTextAsync("must add up to 100%");
        await page.FillAsync("#f-variants-0-weight", "50");
        await Expect(page.Locator("#weights-sum")).ToContainTextAsync("100% ✓");
        await page.FillAsync("#f-metrics-0-name", "purchase");
        await page.ClickAsync("button[data-action=add-metric]");
        await page.FillAsync("#f-metrics-1-name", "revenue");
        await page.SelectOptionAsync("#f-metrics-1-kind", "sum");
        await page.FillAsync("#f-assignment-condition", "{\"country\": ");
        await Expect(page.Locator("#condition-status")).ToHaveAttributeAsync("data-valid", "false");
        await page.ClickAsync("button[data-action=condition-example]");
        await Expect(page.Locator("#condition-status")).ToHaveAttributeAsync("data-valid", "true");
        await page.FillAsync("#f-assignment-condition", "");
        await page.FillAsync("#f-calc-daily-traffic", "2000");
        await Expect(page.Locator("#calc-units-per-variant")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9,]+$"));
        await Expect(page.Locator("#calc-duration")).Not.ToHaveTextAsync("–");
        await page.ClickAsync("#create-experiment");

        // 2. Start it.
        await Expect(page.Locator("#status-badge")).ToHaveAttributeAsync("data-status", "draft");
        await Expect(page.Locator("#lifecycle button[data-action]")).ToHaveCountAsync(2); // start, archive
        await page.ClickAsync("button[data-action=start]");
        await Expect(page.Locator("#status-badge")).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.Locator("#live-indicator")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("button[data-action=start]")).ToHaveCountAsync(0);

        // 3. Post events through the API: 2,000 units per variant exposed over the last day,
        //    10% vs 13% conversion; revenue per converter a little lower in green.
        const int PerVariant = 2000;
        var dayAgo = DateTimeOffset.UtcNow.AddHours(-24);
        var events = new List<object>();
        for (var i = 0; i < PerVariant; i++)
        {
            var exposedAt = dayAgo.AddSeconds(i * (23.0 * 3600 / PerVariant));
            events.Add(new { experiment = "browser-checkout", user_id = $"c{i}", type = "exposure", variant = "control", timestamp = exposedAt.ToUnixTimeMilliseconds() });
            events.Add(new { experiment = "browser-checkout", user_id = $"g{i}", type = "exposure", variant = "green", timestamp = exposedAt.ToUnixTimeMilliseconds() });
            var convertedAt = exposedAt.AddMinutes(5);
            if (i % 10 == 0)
            {
                events.Add(new { experiment = "browser-checkout", user_id = $"c{i}", type = "metric", metric = "purchase", value = 1, variant = "control", timestamp = convertedAt.ToUnixTimeMilliseconds() });
                events.Add(new { experiment = "browser-checkout", user_id = $"c{i}", type = "metric", metric = "revenue", value = 30 + (i % 7), variant = "control", timestamp = convertedAt.ToUnixTimeMilliseconds() });
            }
            if (i % 100 < 13)
            {
                events.Add(new { experiment = "browser-checkout", user_id = $"g{i}", type = "metric", metric = "purchase", value = 1, variant = "green", timestamp = convertedAt.ToUnixTimeMilliseconds() });
                events.Add(new { experiment = "browser-checkout", user_id = $"g{i}", type = "metric", metric = "revenue", value = 25 + (i % 5), variant = "green", timestamp = convertedAt.ToUnixTimeMilliseconds() });
            }
        }
        await _fx.PostEventsAsync(events);
        var acked = Stopwatch.StartNew();

        // 4. The results table and the forest plot update without a reload.
        var live = new LocatorAssertionsToHaveTextOptions { Timeout = (float)s_liveBudget.TotalMilliseconds };
        await Expect(page.Locator("#results-table tr[data-metric=purchase][data-variant=green] [data-testid=units]")).ToHaveTextAsync("2,000", live);
        await Expect(page.Locator("#results-table tr[data-metric=purchase][data-variant=control] [data-testid=units]")).ToHaveTextAsync("2,000", live);
        await Expect(page.Locator("#forest-plot")).ToHaveAttributeAsync("data-rows", "2", new() { Timeout = (float)s_liveBudget.TotalMilliseconds });
        _output.WriteLine($"results table and forest plot updated {acked.ElapsedMilliseconds} ms after the events were acknowledged");
        await Expect(page.Locator("#results-table tr[data-metric=purchase][data-variant=green] [data-testid=mean]")).ToContainTextAsync("13.00%");
        await Expect(page.Locator("#results-table tr[data-metric=purchase][data-variant=green]")).ToHaveAttributeAsync("data-significance", "good");
        await Expect(page.Locator("#results-table tr[data-metric=purchase][data-variant=green] [data-testid=lift]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("sig-good"));
        await Expect(page.Locator("#forest-plot g[data-row='purchase:green']")).ToHaveAttributeAsync("data-state", "good");
        await Expect(page.Locator("#forest-plot g[data-row='revenue:green']")).ToHaveAttributeAsync("data-state", "neutral");
        await Expect(page.Locator("#srm-banner")).ToBeHiddenAsync();
        await Expect(page.Locator("#recommendation-decision")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#lift-chart polyline").First).ToBeVisibleAsync();
        await SaveScreenshotAsync(page, "dashboard-detail.png", alsoToDocs: true);

        // 5. A skewed data set: 600 more exposures to one variant only.
        var skew = new List<object>();
        for (var i = PerVariant; i < PerVariant + 600; i++)
        {
            skew.Add(new { experiment = "browser-checkout", user_id = $"g{i}", type = "exposure", variant = "green" });
        }
        await _fx.PostEventsAsync(skew);
        await Expect(page.Locator("#srm-banner")).ToBeVisibleAsync(new() { Timeout = (float)s_liveBudget.TotalMilliseconds });
        await Expect(page.Locator("#srm-banner")).ToContainTextAsync("Sample ratio mismatch");
        await Expect(page.Locator("#results-table tr[data-metric=purchase][data-variant=green] [data-testid=units]")).ToHaveTextAsync("2,600");
        await SaveScreenshotAsync(page, "dashboard-srm.png", alsoToDocs: false);

        // 6. Pause and stop through the buttons: only valid transitions are offered.
        await page.ClickAsync("button[data-action=pause]");
        await Expect(page.Locator("#status-badge")).ToHaveAttributeAsync("data-status", "paused");
        await Expect(page.Locator("button[data-action=resume]")).ToBeVisibleAsync();
        await Expect(page.Locator("button[data-action=pause]")).ToHaveCountAsync(0);
        await page.ClickAsync("button[data-action=stop]");
        await page.ClickAsync("button[data-action=confirm-stop]");
        await Expect(page.Locator("#status-badge")).ToHaveAttributeAsync("data-status", "stopped");
        await Expect(page.Locator("#lifecycle button[data-action=pause], #lifecycle button[data-action=resume], #lifecycle button[data-action=stop]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#live-indicator")).ToHaveAttributeAsync("data-state", "final");

        // The list shows it with its units.
        await page.GotoAsync(Url("#/experiments?status=stopped"));
        await Expect(page.Locator("#experiments-table tr[data-status=stopped] [data-testid=units]").First).ToHaveTextAsync("4,600");

        Assert.Empty(Snapshot(errors));
    }

    [Fact]
    public async Task Every_page_fits_a_390px_viewport_with_labelled_inputs()
    {
        var id = await _fx.CreateRunningExperimentAsync("narrow-check");
        var events = new List<object>();
        for (var i = 0; i < 30; i++)
        {
            events.Add(new { experiment = "narrow-check", user_id = $"n{i}", type = "exposure", variant = i % 2 == 0 ? "control" : "treatment" });
        }
        for (var i = 0; i < 10; i++)
        {
            events.Add(new { experiment = "narrow-check", user_id = $"n{i}", type = "metric", metric = "conversion", value = 1, variant = i % 2 == 0 ? "control" : "treatment" });
        }
        await _fx.PostEventsAsync(events);

        var (context, page, errors) = await _fx.Browser.NewPageAsync(390, 844);
        await using var _ = context;

        await page.GotoAsync(Url("#/experiments"));
        await Expect(page.Locator($"#experiments-table tr[data-experiment='{id}']")).ToBeVisibleAsync();
        await AssertFitsWidthAsync(page, 390);

        await page.GotoAsync(Url("#/new"));
        await Expect(page.Locator("#experiment-form")).ToBeVisibleAsync();
        await AssertFitsWidthAsync(page, 390);
        var unlabelled = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select, textarea')].filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.id || e.name)");
        Assert.Empty(unlabelled);
        await page.FocusAsync("#f-name");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("f-key", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        await page.GotoAsync(Url($"#/experiments/{id}"));
        await Expect(page.Locator("#results-table tr[data-metric=conversion][data-variant=treatment] [data-testid=units]")).ToHaveTextAsync("15");
        await Expect(page.Locator("#forest-plot")).ToBeVisibleAsync();
        await AssertFitsWidthAsync(page, 390);
        await SaveScreenshotAsync(page, "dashboard-narrow.png", alsoToDocs: false);

        Assert.Empty(Snapshot(errors));
    }

    private string Url(string hash) => new Uri(_fx.Server.BaseAddress, hash).ToString();

    private static async Task AssertFitsWidthAsync(IPage page, int width)
    {
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"{page.Url} scrolls horizontally: {scrollWidth}px wide in a {width}px viewport");
    }

    private async Task SaveScreenshotAsync(IPage page, string name, bool alsoToDocs)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Path = path });
        _output.WriteLine($"screenshot: {path}");
        if (alsoToDocs)
        {
            Directory.CreateDirectory(RepoPaths.Docs);
            var docs = Path.Combine(RepoPaths.Docs, "dashboard.png");
            await File.WriteAllBytesAsync(docs, png);
            _output.WriteLine($"screenshot: {docs}");
        }
    }

    private static List<string> Snapshot(List<string> errors)
    {
        lock (errors)
        {
            return [.. errors];
        }
    }
}
