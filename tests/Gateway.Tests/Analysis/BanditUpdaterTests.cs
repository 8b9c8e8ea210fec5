using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Query;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Expothesis.Fast.Gateway.Tests.Analysis;

public sealed class BanditUpdaterTests(ITestOutputHelper output)
{
    private const string Spec = """
        { "key": "bandit-e2e", "name": "Bandit",
          "variants": [ { "key": "a", "weight": 1, "is_control": true }, { "key": "b", "weight": 1 } ],
          "metrics": [ { "name": "purchase", "kind": "binary", "role": "primary", "direction": "increase" } ],
          "bandit": { "algorithm": "thompson", "metric": "purchase", "epsilon": 0.1, "min_units_per_arm": 50, "update_interval_s": 0.5 } }
        """;

    [Fact]
    public async Task The_background_updater_moves_weight_to_the_better_arm_and_assigned_units_never_move()
    {
        const int seed = 7;
        output.WriteLine($"seed {seed}");
        await using var gw = await AnalysisGateway.StartAsync();
        using var client = gw.Client();
        using (var created = await client.PostAsync("/api/v1/experiments", new StringContent(Spec, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var started = await client.PostAsync("/api/v1/experiments/bandit-e2e/start", null))
        {
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        }

        var first = new Dictionary<string, string>();
        for (int i = 0; i < 300; i++)
        {
            first[$"u-{i}"] = await AssignAsync(client, $"u-{i}");
        }

        Assert.True(first.Values.Count(v => v == "a") > 100, "uniform while warming up");
        var rng = new Random(seed);
        var lines = new List<string>();
        int n = 0;
        foreach (var (user, variant) in first)
        {
            if (rng.NextDouble() < (variant == "b" ? 0.30 : 0.03))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $$"""{"experiment":"bandit-e2e","user_id":"{{user}}","metric":"purchase","variant":"{{variant}}","event_id":"b-{{n++}}"}"""));
            }
        }

        // Exposures are applied asynchronously: wait until all 300 are counted before sending metric events.
        await WaitAsync(client, root => root.GetProperty("srm").GetProperty("observed").GetProperty("a").GetInt64() + root.GetProperty("srm").GetProperty("observed").GetProperty("b").GetInt64() == 300);
        Assert.Equal(lines.Count, await gw.SendEventsAsync(client, lines));

        var analysis = await WaitAsync(client, root => root.GetProperty("bandit").GetProperty("weights").GetProperty("b").GetDouble() > 0.9);
        var bandit = analysis.GetProperty("bandit");
        output.WriteLine(bandit.ToString());
        Assert.Equal("thompson", bandit.GetProperty("algorithm").GetString());
        Assert.True(bandit.GetProperty("prob_best").GetProperty("b").GetDouble() > 0.9);
        Assert.True(bandit.GetProperty("history").GetArrayLength() >= 2);
        Assert.True(bandit.GetProperty("weights").GetProperty("a").GetDouble() >= 0.01 / 2);
        var engine = gw.App.Services.GetRequiredService<ExpothesisEngine>();
        Assert.True(engine.Catalog.Get("bandit-e2e").Weights.Current[1] > 0.9);

        int toB = 0;
        for (int i = 300; i < 400; i++)
        {
            toB += await AssignAsync(client, $"u-{i}") == "b" ? 1 : 0;
        }

        Assert.True(toB > 80, $"new units follow the weights: {toB} of 100 to b");
        foreach (var (user, variant) in first)
        {
            Assert.Equal(variant, await AssignAsync(client, user));
        }
    }

    private static async Task<string> AssignAsync(HttpClient client, string user)
    {
        using var response = await client.PostAsync("/api/v1/assign", new StringContent($$"""{ "user_id": "{{user}}", "experiments": ["bandit-e2e"] }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("assignments")[0].GetProperty("variant").GetString()!;
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/experiments/bandit-e2e/analysis"));
            var root = doc.RootElement.Clone();
            bool ok = condition(root);
            if (ok || DateTime.UtcNow > deadline)
            {
                Assert.True(ok, "condition not reached within 10 s: " + root);
                return root;
            }

            await Task.Delay(100);
        }
    }
}
