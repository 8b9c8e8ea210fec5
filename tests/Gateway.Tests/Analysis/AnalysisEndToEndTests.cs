using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Stats;
using Xunit.Abstractions;

namespace Expothesis.Fast.Gateway.Tests.Analysis;

public sealed class AnalysisEndToEndTests(ITestOutputHelper output)
{
    private const string Experiment = """
        { "key": "e2e-analysis", "name": "E2E",
          "hypothesis": { "mde": 0.05, "mde_relative": false, "alpha": 0.05, "power": 0.8 },
          "variants": [ { "key": "control", "weight": 1, "is_control": true }, { "key": "b", "weight": 1 }, { "key": "c", "weight": 1 } ],
          "metrics": [ { "name": "purchase", "kind": "binary", "role": "primary", "direction": "increase" },
                       { "name": "revenue", "kind": "sum", "role": "secondary", "direction": "increase" },
                       { "name": "errors", "kind": "count", "role": "guardrail", "direction": "decrease" } ],
          "analysis": { "engine": "frequentist", "sequential": false, "sequential_tuning": 5000, "correction": "holm" } }
        """;

    private static readonly string[] s_variants = ["control", "b", "c"];
    private static readonly string[] s_metrics = ["purchase", "revenue", "errors"];

    [Fact]
    public async Task Analysis_over_http_detects_the_true_lift_and_equals_a_two_pass_reference_from_the_raw_data()
    {
        const int seed = 20261201;
        output.WriteLine($"seed {seed}");
        await using var gw = await AnalysisGateway.StartAsync();
        using var client = gw.Client();
        await CreateAndStartAsync(client, Experiment);

        // 1. Exposures over HTTP: /assign records the exposure of every unit it places.
        const int users = 2400;
        var variantOf = new int[users];
        await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            string body = $$"""{ "user_id": "user-{{i}}", "experiments": ["e2e-analysis"], "expose": true }""";
            using var response = await client.PostAsync("/api/v1/assign", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var a = doc.RootElement.GetProperty("assignments")[0];
            Assert.True(a.GetProperty("in_experiment").GetBoolean());
            variantOf[i] = Array.IndexOf(s_variants, a.GetProperty("variant").GetString());
        });
        var exposed = new long[3];
        foreach (int v in variantOf)
        {
            exposed[v]++;
        }

        await WaitForAsync(client, doc => s_variants.Select(k => doc.GetProperty("srm").GetProperty("observed").GetProperty(k).GetInt64()).SequenceEqual(exposed));

        // 2. Seeded metric events; variant "c" converts 16% against 10%.
        var rng = new Random(seed);
        double[] rate = [0.10, 0.10, 0.16];
        var y = new double[3][][];
        for (int m = 0; m < 3; m++)
        {
            y[m] = new double[3][];
            for (int v = 0; v < 3; v++)
            {
                y[m][v] = new double[exposed[v]];
            }
        }

        var slot = new int[3];
        var lines = new List<string>();
        int eventNo = 0;
        for (int i = 0; i < users; i++)
        {
            int v = variantOf[i];
            int s = slot[v]++;
            string user = "user-" + i.ToString(CultureInfo.InvariantCulture);
            if (rng.NextDouble() < rate[v])
            {
                int purchases = 1 + rng.Next(3);
                y[0][v][s] = 1;
                for (int p = 0; p < purchases; p++)
                {
                    double value = Math.Round(-40 * Math.Log(1 - rng.NextDouble()), 2);
                    y[1][v][s] += value;
                    lines.Add(Event(user, s_variants[v], "purchase", 1, eventNo++));
                    lines.Add(Event(user, s_variants[v], "revenue", value, eventNo++));
                }
            }

            int errors = rng.Next(4) == 0 ? 1 + rng.Next(3) : 0;
            for (int e = 0; e < errors; e++)
            {
                y[2][v][s] += 1;
                lines.Add(Event(user, s_variants[v], "errors", 1, eventNo++));
            }
        }

        int accepted = await gw.SendEventsAsync(client, lines);
        output.WriteLine($"{lines.Count} events, accepted {accepted}, over HTTP: {gw.EventsOverHttp}");
        Assert.Equal(lines.Count, accepted);

        // 3. The analysis, once every event is visible.
        var expectedSums = Enumerable.Range(0, 3).Select(m => Enumerable.Range(0, 3).Select(v => y[m][v].Sum()).ToArray()).ToArray();
        var root = await WaitForAsync(client, doc => Enumerable.Range(0, 3).All(m => Enumerable.Range(0, 3).All(v =>
            Math.Abs(doc.GetProperty("metrics")[m].GetProperty("variants")[v].GetProperty("sum").GetDouble() - expectedSums[m][v]) < 1e-6)));

        var srm = root.GetProperty("srm");
        var srmReference = HypothesisTests.ChiSquareGoodnessOfFit(exposed, [1.0, 1.0, 1.0]);
        Close(srmReference.PValue!.Value, srm.GetProperty("p_value").GetDouble(), 1e-9);
        Assert.False(srm.GetProperty("flagged").GetBoolean());

        for (int m = 0; m < 3; m++)
        {
            var metric = root.GetProperty("metrics")[m];
            Assert.Equal(s_metrics[m], metric.GetProperty("name").GetString());
            bool binary = m == 0;
            var moments = new VariantMoments[3];
            for (int v = 0; v < 3; v++)
            {
                var (mean, variance) = TwoPass(y[m][v]);
                long n = y[m][v].Length;
                moments[v] = new VariantMoments(n, mean * n, (variance * (n - 1)) + (mean * mean * n));
                var doc = metric.GetProperty("variants")[v];
                Assert.Equal(s_variants[v], doc.GetProperty("variant").GetString());
                Assert.Equal(n, doc.GetProperty("units").GetInt64());
                Close(y[m][v].Sum(), doc.GetProperty("sum").GetDouble(), 1e-12);
                Close(mean, doc.GetProperty("mean").GetDouble(), 1e-12);
                Close(variance, doc.GetProperty("variance").GetDouble(), 1e-9);
            }

            var reference = MetricAnalyzer.Analyze(binary ? MetricType.Binary : MetricType.Continuous, moments,
                new AnalysisOptions(0.05, CorrectionMethod.Holm, false, 5000, HigherIsBetter: m != 2));
            for (int v = 0; v < 3; v++)
            {
                var ci = metric.GetProperty("variants")[v].GetProperty("ci");
                Close(reference.Variants[v].Ci!.Value.Lower, ci[0].GetDouble(), 1e-9);
                Close(reference.Variants[v].Ci!.Value.Upper, ci[1].GetDouble(), 1e-9);
            }

            for (int c = 0; c < 2; c++)
            {
                var doc = metric.GetProperty("comparisons")[c];
                var r = reference.Comparisons[c];
                Assert.Equal(s_variants[c + 1], doc.GetProperty("variant").GetString());
                Assert.Equal(binary ? "two_proportion_z" : "welch_t", doc.GetProperty("test").GetString());
                Close(r.Statistic!.Value, doc.GetProperty("statistic").GetDouble(), 1e-9);
                Close(r.PValue!.Value, doc.GetProperty("p_value").GetDouble(), 1e-9);
                Close(r.PValueAdjusted!.Value, doc.GetProperty("p_value_adjusted").GetDouble(), 1e-9);
                Close(r.Difference, doc.GetProperty("difference").GetDouble(), 1e-9);
                Close(r.DifferenceCi!.Value.Lower, doc.GetProperty("difference_ci")[0].GetDouble(), 1e-9);
                Close(r.RelativeLift!.Value, doc.GetProperty("relative_lift").GetDouble(), 1e-9);
                Close(r.RelativeLiftCi!.Value.Upper, doc.GetProperty("relative_lift_ci")[1].GetDouble(), 1e-9);
                Close(r.ProbBeatBaseline!.Value, doc.GetProperty("bayesian").GetProperty("prob_beat_baseline").GetDouble(), 1e-6);
                Close(binary ? r.CohensH!.Value : r.CohensD!.Value, doc.GetProperty("effect_size").GetProperty(binary ? "cohens_h" : "cohens_d").GetDouble(), 1e-9);
                if (!binary)
                {
                    Close(r.Df!.Value, doc.GetProperty("df").GetDouble(), 1e-9);
                }
            }

            Close(reference.Omnibus!.PValue!.Value, metric.GetProperty("omnibus").GetProperty("p_value").GetDouble(), 1e-9);
        }

        var lift = root.GetProperty("metrics")[0].GetProperty("comparisons")[1];
        Assert.Equal("c", lift.GetProperty("variant").GetString());
        Assert.True(lift.GetProperty("p_value_adjusted").GetDouble() < 0.05, "the true lift of c is detected");
        Assert.True(lift.GetProperty("significant").GetBoolean());
        Assert.NotEqual("investigate_srm", root.GetProperty("recommendation").GetProperty("decision").GetString());
        output.WriteLine(root.GetProperty("recommendation").ToString());

        // 4. The cumulative time series ends at the same totals.
        using var ts = JsonDocument.Parse(await client.GetStringAsync("/api/v1/experiments/e2e-analysis/timeseries?metric=purchase&granularity=day"));
        var points = ts.RootElement.GetProperty("points");
        var last = points[points.GetArrayLength() - 1];
        for (int v = 0; v < 3; v++)
        {
            Assert.Equal(exposed[v], last.GetProperty("variants")[v].GetProperty("units").GetInt64());
            Close(y[0][v].Average(), last.GetProperty("variants")[v].GetProperty("mean").GetDouble(), 1e-12);
        }

        Close(root.GetProperty("metrics")[0].GetProperty("comparisons")[1].GetProperty("p_value").GetDouble(), last.GetProperty("comparisons")[1].GetProperty("p_value").GetDouble(), 1e-9);
    }

    [Fact]
    public async Task Live_analysis_streams_server_sent_events_with_the_key_in_the_query_string()
    {
        await using var gw = await AnalysisGateway.StartAsync(
            "--Expothesis:Auth:Keys:0:Key=admin-key-0123456789", "--Expothesis:Auth:Keys:0:Scope=admin",
            "--Expothesis:Auth:Keys:1:Key=read-key-0123456789", "--Expothesis:Auth:Keys:1:Scope=read");
        using var admin = gw.Client("admin-key-0123456789");
        await CreateAndStartAsync(admin, Experiment);
        using var anonymous = gw.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/experiments/e2e-analysis/analysis")).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/experiments/e2e-analysis/live?api_key=read-key-0123456789");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var response = await anonymous.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var first = await ReadEventAsync(reader, cts.Token);
        Assert.Equal("e2e-analysis", first.GetProperty("experiment").GetString());
        Assert.Equal(0, first.GetProperty("srm").GetProperty("observed").GetProperty("control").GetInt64());

        // A change (an exposure) produces the next document.
        using var ingest = gw.Client("admin-key-0123456789");
        using var assign = await ingest.PostAsync("/api/v1/assign", new StringContent("""{ "user_id": "live-1", "experiments": ["e2e-analysis"] }""", Encoding.UTF8, "application/json"), cts.Token);
        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        var next = await ReadEventAsync(reader, cts.Token);
        Assert.Equal(1, s_variants.Sum(k => next.GetProperty("srm").GetProperty("observed").GetProperty(k).GetInt64()));
    }

    [Fact]
    public async Task Sample_size_endpoint_answers_the_api_example_and_names_bad_fields()
    {
        await using var gw = await AnalysisGateway.StartAsync();
        using var client = gw.Client();
        using var ok = await client.PostAsync("/api/v1/stats/sample-size", new StringContent(
            """{ "kind": "binary", "baseline_mean": 0.1, "mde": 0.02, "mde_relative": false, "baseline_sd": null, "alpha": 0.05, "power": 0.8, "variants": 2 }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("""{"units_per_variant":3835,"total_units":7670}""", await ok.Content.ReadAsStringAsync());

        using var bad = await client.PostAsync("/api/v1/stats/sample-size", new StringContent("""{ "kind": "sum", "baseline_mean": 3, "mde": 0.5 }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("baseline_sd", out _));

        using var unknown = await client.GetAsync("/api/v1/experiments/nope/analysis");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await CreateAndStartAsync(client, Experiment);
        using var badAlpha = await client.GetAsync("/api/v1/experiments/e2e-analysis/analysis?alpha=7");
        Assert.Equal(HttpStatusCode.BadRequest, badAlpha.StatusCode);
        using var empty = JsonDocument.Parse(await client.GetStringAsync("/api/v1/experiments/e2e-analysis/analysis?sequential=true&engine=bayesian"));
        Assert.Equal("keep_running", empty.RootElement.GetProperty("recommendation").GetProperty("decision").GetString());
    }

    private static async Task CreateAndStartAsync(HttpClient client, string spec)
    {
        using var created = await client.PostAsync("/api/v1/experiments", new StringContent(spec, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        string id = doc.RootElement.GetProperty("id").GetString()!;
        using var started = await client.PostAsync($"/api/v1/experiments/{id}/start", null);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/experiments/e2e-analysis/analysis"));
            var root = doc.RootElement.Clone();
            if (condition(root) || DateTime.UtcNow > deadline)
            {
                Assert.True(condition(root), "the analysis did not reach the expected sums within 10 s: " + root);
                return root;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> ReadEventAsync(StreamReader reader, CancellationToken ct)
    {
        string? eventName = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Equal("analysis", eventName);
                using var doc = JsonDocument.Parse(line[6..]);
                return doc.RootElement.Clone();
            }
        }

        throw new InvalidOperationException("the stream ended");
    }

    private static string Event(string user, string variant, string metric, double value, int id) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"experiment":"e2e-analysis","user_id":"{{user}}","type":"metric","metric":"{{metric}}","value":{{value}},"variant":"{{variant}}","event_id":"ev-{{id}}"}""");

    private static (double Mean, double Variance) TwoPass(double[] values)
    {
        double mean = values.Average();
        double ss = 0;
        foreach (double v in values)
        {
            ss += (v - mean) * (v - mean);
        }

        return (mean, values.Length > 1 ? ss / (values.Length - 1) : 0);
    }

    private static void Close(double expected, double actual, double relative)
    {
        double tol = relative * Math.Max(Math.Abs(expected), 1e-12);
        Assert.True(Math.Abs(expected - actual) <= tol, $"expected {expected:R}, got {actual:R}");
    }
}
