using System.IO.Compression;
using System.Net;
using System.Text;

namespace Expothesis.Fast.Gateway.Tests.Experiments;

public class ExperimentLifecycleTests
{
    [Fact]
    public async Task Create_start_assign_pause_resume_stop_behaves_as_documented()
    {
        await using var gw = await TestGateway.StartAsync();
        var client = gw.Client;
        var created = await client.CreateAsync();
        Assert.Equal("draft", created.GetProperty("status").GetString());
        Assert.Equal(1, created.GetProperty("version").GetInt64());
        string id = created.GetProperty("id").GetString()!;

        var draft = await client.AssignAsync("u-1", "checkout-button");
        Assert.Equal("not_running", draft.GetProperty("reason").GetString());

        var started = await (await client.PostEmptyAsync($"/api/v1/experiments/{id}/start")).ReadJsonAsync();
        Assert.Equal("running", started.GetProperty("status").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, started.GetProperty("started_at").ValueKind);

        var split = await client.AssignAsync("u-1", "checkout-button");
        Assert.True(split.GetProperty("in_experiment").GetBoolean());
        Assert.Equal("split", split.GetProperty("reason").GetString());
        Assert.Contains(split.GetProperty("variant").GetString(), new[] { "control", "green" });
        string variant = split.GetProperty("variant").GetString()!;

        var again = await client.AssignAsync("u-1", "checkout-button");
        Assert.Equal(variant, again.GetProperty("variant").GetString());

        var wrongCountry = await client.AssignAsync("u-1", "checkout-button", """{ "country": "FR" }""");
        Assert.Equal("condition_failed", wrongCountry.GetProperty("reason").GetString());
        Assert.False(wrongCountry.GetProperty("in_experiment").GetBoolean());

        var forced = await client.AssignAsync("qa-user-1", "checkout-button");
        Assert.Equal("override", forced.GetProperty("reason").GetString());
        Assert.Equal("green", forced.GetProperty("variant").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.PostEmptyAsync("/api/v1/experiments/checkout-button/pause")).StatusCode);
        var paused = await client.AssignAsync("u-1", "checkout-button");
        Assert.Equal("paused", paused.GetProperty("reason").GetString());
        Assert.False(paused.GetProperty("in_experiment").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await client.PostEmptyAsync($"/api/v1/experiments/{id}/resume")).StatusCode);
        var resumed = await client.AssignAsync("u-1", "checkout-button");
        Assert.Equal("split", resumed.GetProperty("reason").GetString());
        Assert.Equal(variant, resumed.GetProperty("variant").GetString());

        var stopped = await (await client.PostEmptyAsync($"/api/v1/experiments/{id}/stop")).ReadJsonAsync();
        Assert.Equal("stopped", stopped.GetProperty("status").GetString());
        var afterStop = await client.AssignAsync("u-1", "checkout-button");
        Assert.Equal("not_running", afterStop.GetProperty("reason").GetString());
        Assert.False(afterStop.GetProperty("in_experiment").GetBoolean());

        var history = await (await client.GetAsync($"/api/v1/experiments/{id}/history")).ReadJsonAsync();
        var actions = history.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToArray();
        Assert.Equal(new[] { "created", "started", "paused", "resumed", "stopped" }, actions);
        var versions = history.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ToArray();
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, versions);

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/v1/experiments/{id}")).StatusCode);
        var list = await (await client.GetAsync("/api/v1/experiments")).ReadJsonAsync();
        Assert.Equal(0, list.GetProperty("experiments").GetArrayLength());
        var archived = await (await client.GetAsync("/api/v1/experiments?status=archived")).ReadJsonAsync();
        Assert.Equal(1, archived.GetProperty("experiments").GetArrayLength());
    }

    [Theory]
    [InlineData("draft", "pause")]
    [InlineData("draft", "resume")]
    [InlineData("draft", "stop")]
    [InlineData("running", "start")]
    [InlineData("running", "resume")]
    [InlineData("running", "archive")]
    [InlineData("paused", "start")]
    [InlineData("paused", "pause")]
    [InlineData("paused", "archive")]
    [InlineData("stopped", "start")]
    [InlineData("stopped", "pause")]
    [InlineData("stopped", "resume")]
    [InlineData("stopped", "stop")]
    [InlineData("archived", "start")]
    [InlineData("archived", "pause")]
    [InlineData("archived", "resume")]
    [InlineData("archived", "stop")]
    [InlineData("archived", "archive")]
    public async Task An_invalid_transition_gets_409(string from, string action)
    {
        await using var gw = await TestGateway.StartAsync();
        var client = gw.Client;
        string id = (await client.CreateAsync()).GetProperty("id").GetString()!;
        string[] path = from switch
        {
            "draft" => [],
            "running" => ["start"],
            "paused" => ["start", "pause"],
            "stopped" => ["start", "stop"],
            _ => ["archive"],
        };
        foreach (var step in path)
        {
            var r = step == "archive" ? await client.DeleteAsync($"/api/v1/experiments/{id}") : await client.PostEmptyAsync($"/api/v1/experiments/{id}/{step}");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var response = action == "archive"
            ? await client.DeleteAsync($"/api/v1/experiments/{id}")
            : await client.PostEmptyAsync($"/api/v1/experiments/{id}/{action}");
        await Http.AssertProblemAsync(response, 409);
        var current = await (await client.GetAsync($"/api/v1/experiments/{id}")).ReadJsonAsync();
        Assert.Equal(from, current.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Experiments_and_statuses_survive_a_restart()
    {
        string dir = TestGateway.NewDirectory();
        try
        {
            string id;
            await using (var gw = await TestGateway.StartAsync(dir))
            {
                id = (await gw.Client.CreateAsync()).GetProperty("id").GetString()!;
                await gw.Client.CreateAsync(Http.ValidExperiment.Replace("\"key\": \"checkout-button\"", "\"key\": \"second\"", StringComparison.Ordinal));
                await gw.Client.PostEmptyAsync($"/api/v1/experiments/{id}/start");
                await gw.Client.PostEmptyAsync($"/api/v1/experiments/{id}/pause");
            }
            await using (var gw = await TestGateway.StartAsync(dir))
            {
                var e = await (await gw.Client.GetAsync("/api/v1/experiments/checkout-button")).ReadJsonAsync();
                Assert.Equal(id, e.GetProperty("id").GetString());
                Assert.Equal("paused", e.GetProperty("status").GetString());
                Assert.Equal(3, e.GetProperty("version").GetInt64());
                var second = await (await gw.Client.GetAsync("/api/v1/experiments/second")).ReadJsonAsync();
                Assert.Equal("draft", second.GetProperty("status").GetString());
                var history = await (await gw.Client.GetAsync($"/api/v1/experiments/{id}/history")).ReadJsonAsync();
                Assert.Equal(3, history.GetProperty("entries").GetArrayLength());
                var assignment = await gw.Client.AssignAsync("u-9", "checkout-button");
                Assert.Equal("paused", assignment.GetProperty("reason").GetString());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Malformed_json_gets_400_with_the_byte_offset()
    {
        await using var gw = await TestGateway.StartAsync();
        var response = await gw.Client.PostJsonAsync("/api/v1/experiments", "{ \"key\": \"a\", ");
        await Http.AssertProblemAsync(response, 400);
        var body = await response.ReadJsonAsync();
        Assert.True(body.TryGetProperty("offset", out var offset));
        Assert.True(offset.GetInt64() >= 13);
    }

    [Fact]
    public async Task A_wrongly_typed_field_gets_400_naming_it()
    {
        await using var gw = await TestGateway.StartAsync();
        var response = await gw.Client.PostJsonAsync("/api/v1/experiments",
            Http.ValidExperiment.Replace("\"weight\": 0.5, \"is_control\"", "\"weight\": \"half\", \"is_control\"", StringComparison.Ordinal));
        await Http.AssertProblemAsync(response, 400, "variants[0].weight");
    }

    [Theory]
    [InlineData("""{ "variants": [ { "key": "a" }, { "key": "b" } ], "metrics": [ { "name": "m", "kind": "count" } ] }""", "key")]
    [InlineData("""{ "key": "x", "metrics": [ { "name": "m", "kind": "count" } ] }""", "variants")]
    [InlineData("""{ "key": "x", "variants": [ { "key": "a" }, { "key": "b" } ] }""", "metrics")]
    [InlineData("""{ "key": "x", "variants": [ { "key": "a" }, { "key": "b" } ], "metrics": [ { "name": "m" } ] }""", "metrics[0].kind")]
    [InlineData("""{ "key": "x", "variants": [ { "key": "a", "weight": 0 }, { "key": "b", "weight": 0 } ], "metrics": [ { "name": "m", "kind": "count" } ] }""", "variants")]
    [InlineData("""{ "key": "x", "variants": [ { "key": "a" }, { "key": "a" } ], "metrics": [ { "name": "m", "kind": "count" } ] }""", "variants[1].key")]
    [InlineData("""{ "key": "Bad Key", "variants": [ { "key": "a" }, { "key": "b" } ], "metrics": [ { "name": "m", "kind": "count" } ] }""", "key")]
    [InlineData("""{ "key": "x", "variants": [ { "key": "a" }, { "key": "b" } ], "metrics": [ { "name": "m", "kind": "count" } ], "assignment": { "condition": "country = US" } }""", "assignment.condition")]
    public async Task Bad_input_gets_400_naming_the_field(string json, string field)
    {
        await using var gw = await TestGateway.StartAsync();
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/experiments", json), 400, field);
    }

    [Fact]
    public async Task More_than_16_variants_get_400_naming_variants()
    {
        await using var gw = await TestGateway.StartAsync();
        string variants = string.Join(", ", Enumerable.Range(0, 17).Select(i => $$"""{ "key": "v{{i}}" }"""));
        string json = $$"""{ "key": "many", "variants": [ {{variants}} ], "metrics": [ { "name": "m", "kind": "count" } ] }""";
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/experiments", json), 400, "variants");
    }

    [Fact]
    public async Task A_duplicate_experiment_key_gets_400_naming_the_key()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.CreateAsync();
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/experiments", Http.ValidExperiment), 400, "key");
    }

    [Fact]
    public async Task An_empty_body_gets_400()
    {
        await using var gw = await TestGateway.StartAsync();
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/experiments", ""), 400);
    }

    [Fact]
    public async Task Unknown_experiments_get_404_problem()
    {
        await using var gw = await TestGateway.StartAsync();
        await Http.AssertProblemAsync(await gw.Client.GetAsync("/api/v1/experiments/nope"), 404);
        await Http.AssertProblemAsync(await gw.Client.PostEmptyAsync("/api/v1/experiments/nope/start"), 404);
        await Http.AssertProblemAsync(await gw.Client.GetAsync("/api/v1/experiments/nope/history"), 404);
    }

    [Fact]
    public async Task Put_edits_a_draft_fully_and_a_running_experiment_only_in_name_description_hypothesis()
    {
        await using var gw = await TestGateway.StartAsync();
        var client = gw.Client;
        await client.CreateAsync();
        var edited = await client.PutJsonAsync("/api/v1/experiments/checkout-button",
            Http.ValidExperiment.Replace("\"weight\": 0.5, \"is_control\"", "\"weight\": 3, \"is_control\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var body = await edited.ReadJsonAsync();
        Assert.Equal(3 / 3.5, body.GetProperty("variants")[0].GetProperty("weight").GetDouble(), 12);
        Assert.Equal(2, body.GetProperty("version").GetInt64());

        await client.PostEmptyAsync("/api/v1/experiments/checkout-button/start");
        var renamed = await client.PutJsonAsync("/api/v1/experiments/checkout-button", """{ "name": "Renamed", "hypothesis": { "alpha": 0.01 } }""");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Renamed", (await renamed.ReadJsonAsync()).GetProperty("name").GetString());

        var locked = await client.PutJsonAsync("/api/v1/experiments/checkout-button",
            """{ "metrics": [ { "name": "other", "kind": "count" } ] }""");
        await Http.AssertProblemAsync(locked, 409, "metrics");
    }

    [Fact]
    public async Task A_gzip_body_is_decompressed()
    {
        await using var gw = await TestGateway.StartAsync();
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(Http.ValidExperiment));
        }
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        var response = await gw.Client.PostAsync("/api/v1/experiments", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task The_list_filters_by_status_and_rejects_an_unknown_status()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.CreateAsync();
        var running = await (await gw.Client.GetAsync("/api/v1/experiments?status=running")).ReadJsonAsync();
        Assert.Equal(0, running.GetProperty("experiments").GetArrayLength());
        var drafts = await (await gw.Client.GetAsync("/api/v1/experiments?status=draft")).ReadJsonAsync();
        Assert.Equal(1, drafts.GetProperty("experiments").GetArrayLength());
        await Http.AssertProblemAsync(await gw.Client.GetAsync("/api/v1/experiments?status=weird"), 400, "status");
    }
}
