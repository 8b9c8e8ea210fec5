using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class EventEndpointTests
{
    private const string Exp = "checkout-button";

    private static string Ev(string user, string type = "metric", string? metric = "revenue", string? variant = null, double? value = null, string? eventId = null, string experiment = Exp)
    {
        var parts = new List<string> { $"\"experiment\":\"{experiment}\"", $"\"user_id\":\"{user}\"", $"\"type\":\"{type}\"" };
        if (metric is not null && type == "metric")
        {
            parts.Add($"\"metric\":\"{metric}\"");
        }
        if (variant is not null)
        {
            parts.Add($"\"variant\":\"{variant}\"");
        }
        if (value is not null)
        {
            parts.Add(FormattableString.Invariant($"\"value\":{value}"));
        }
        if (eventId is not null)
        {
            parts.Add($"\"event_id\":\"{eventId}\"");
        }
        return "{" + string.Join(",", parts) + "}";
    }

    private static async Task<JsonElement> PostBatchAsync(HttpClient client, string body, HttpStatusCode expected = HttpStatusCode.OK, string contentType = "application/json")
    {
        var response = await client.PostAsync("/api/v1/events/batch", new StringContent(body, Encoding.UTF8, contentType));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string[]> ExportAsync(HttpClient client, string format = "ndjson")
    {
        var response = await client.GetAsync($"/api/v1/experiments/{Exp}/events?format={format}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public async Task A_valid_batch_is_accepted_and_exported()
    {
        await using var gw = await EventGateway.StartAsync();
        await gw.StartExperimentAsync();
        var body = await PostBatchAsync(gw.Client, $"{{\"events\":[{Ev("u1", "exposure", variant: "green", eventId: "x1")},{Ev("u1", value: 12.5, eventId: "e1")},{Ev("u2", "exposure", variant: "control")},{Ev("u2", metric: "purchase")}]}}");
        Assert.Equal((4, 0, 0, 0), (body.GetProperty("accepted").GetInt32(), body.GetProperty("rejected").GetInt32(), body.GetProperty("duplicates").GetInt32(), body.GetProperty("errors").GetArrayLength()));

        string[] lines = await ExportAsync(gw.Client);
        Assert.Equal(4, lines.Length);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var revenue = Assert.Single(events, e => e.GetProperty("event_id").ValueKind == JsonValueKind.String && e.GetProperty("event_id").GetString() == "e1");
        Assert.Equal(("u1", "revenue", 12.5, Exp), (revenue.GetProperty("user_id").GetString(), revenue.GetProperty("metric").GetString(), revenue.GetProperty("value").GetDouble(), revenue.GetProperty("experiment").GetString()));
        string[] csv = await ExportAsync(gw.Client, "csv");
        Assert.Equal("timestamp,experiment,user_id,type,metric,variant,value,event_id", csv[0]);
        Assert.Equal(5, csv.Length);
    }

    [Fact]
    public async Task Mixed_rejections_come_back_with_body_indexes_sorted_and_duplicates_counted()
    {
        await using var gw = await EventGateway.StartAsync();
        await gw.StartExperimentAsync();
        string batch = "[" + string.Join(",",
            Ev("u1", "exposure", variant: "green"),        // 0 ok
            Ev("u1", metric: "purchse"),                     // 1 unknown_metric (parser)
            Ev("u9", value: 3),                              // 2 not_exposed (engine)
            Ev("u1", variant: "control", value: 1),          // 3 variant_mismatch (engine)
            Ev("u1", experiment: "nope"),                    // 4 unknown_experiment (parser)
            Ev("u1", value: 5, eventId: "once"),             // 5 ok
            "{\"experiment\":\"checkout-button\",\"user_id\":\"u1\",\"metric\":\"revenue\",\"value\":\"5\"}") + "]"; // 6 invalid_value
        var body = await PostBatchAsync(gw.Client, batch);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(5, body.GetProperty("rejected").GetInt32());
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("code").GetString())).ToArray();
        Assert.Equal([(1, "unknown_metric"), (2, "not_exposed"), (3, "variant_mismatch"), (4, "unknown_experiment"), (6, "invalid_value")], errors);
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));

        var again = await PostBatchAsync(gw.Client, "[" + Ev("u1", value: 5, eventId: "once") + "]");
        Assert.Equal((0, 0, 1), (again.GetProperty("accepted").GetInt32(), again.GetProperty("rejected").GetInt32(), again.GetProperty("duplicates").GetInt32()));
        Assert.Equal(2, (await ExportAsync(gw.Client)).Length);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_with_the_offset_and_applies_nothing()
    {
        await using var gw = await EventGateway.StartAsync();
        await gw.StartExperimentAsync();
        string body = "[" + Ev("u1", "exposure", variant: "green") + "," + Ev("u1", value: 2) + ",{\"experiment\": }]";
        var problem = await PostBatchAsync(gw.Client, body, HttpStatusCode.BadRequest);
        Assert.Equal(body.IndexOf("{\"experiment\": }", StringComparison.Ordinal) + 15, problem.GetProperty("offset").GetInt64());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Empty(await ExportAsync(gw.Client));
    }

    [Fact]
    public async Task Ndjson_gzip_and_single_events_are_accepted()
    {
        await using var gw = await EventGateway.StartAsync();
        await gw.StartExperimentAsync();
        var nd = await PostBatchAsync(gw.Client, Ev("n1", "exposure", variant: "green") + "\n\n" + Ev("n1", value: 1) + "\n", contentType: "application/x-ndjson");
        Assert.Equal(2, nd.GetProperty("accepted").GetInt32());

        byte[] json = Encoding.UTF8.GetBytes("{\"events\":[" + Ev("g1", "exposure", variant: "control") + "," + Ev("g1", value: 4) + "]}");
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(json);
        }
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        var response = await gw.Client.PostAsync("/api/v1/events/batch", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accepted").GetInt32());

        var single = await gw.Client.PostAsync("/api/v1/events", new StringContent(Ev("n1", metric: "purchase"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await single.Content.ReadAsStringAsync()).RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(5, (await ExportAsync(gw.Client)).Length);
    }

    [Fact]
    public async Task Bodies_over_the_limit_are_413_also_after_gzip_decompression()
    {
        await using var gw = await EventGateway.StartAsync("--Expothesis:Limits:MaxBodyBytes=4096", "--Expothesis:Limits:MaxEventBytes=1024", "--Expothesis:Limits:MaxEventsPerBatch=3");
        await gw.StartExperimentAsync();
        string big = "[" + string.Join(",", Enumerable.Range(0, 40).Select(i => Ev("u" + i, "exposure", variant: "green"))) + "]";
        var problem = await PostBatchAsync(gw.Client, big, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());

        byte[] zeros = Encoding.UTF8.GetBytes("[" + new string(' ', 100_000) + "]");
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(zeros);
        }
        Assert.True(compressed.Length < 4096);
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await gw.Client.PostAsync("/api/v1/events/batch", content)).StatusCode);

        string four = "[" + string.Join(",", Enumerable.Range(0, 4).Select(i => Ev("v" + i, "exposure", variant: "green"))) + "]";
        var tooMany = await PostBatchAsync(gw.Client, four, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("more than 3 events", tooMany.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ExportAsync(gw.Client));
    }

    [Fact]
    public async Task Rebuild_recomputes_the_same_moments_from_the_log()
    {
        await using var gw = await EventGateway.StartAsync();
        await gw.StartExperimentAsync();
        await PostBatchAsync(gw.Client, "[" + string.Join(",", Enumerable.Range(0, 20).SelectMany(i => new[] { Ev("r" + i, "exposure", variant: i % 2 == 0 ? "green" : "control"), Ev("r" + i, value: i) })) + "]");
        string before = await gw.Client.GetStringAsync($"/api/v1/admin/experiments/{Exp}/moments");
        var rebuilt = await gw.Client.PostAsync("/api/v1/admin/rebuild", null);
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        string after = await gw.Client.GetStringAsync($"/api/v1/admin/experiments/{Exp}/moments");
        Assert.Equal(before, after);
        var moments = JsonDocument.Parse(after).RootElement;
        double s1 = moments.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("metrics").GetProperty("revenue").GetProperty("s1").GetDouble());
        Assert.Equal(Enumerable.Range(0, 20).Sum(), s1);
    }

    [Fact]
    public async Task Unsupported_content_types_are_415_and_bad_export_parameters_400()
    {
        await using var gw = await EventGateway.StartAsync();
        await gw.StartExperimentAsync();
        var response = await gw.Client.PostAsync("/api/v1/events/batch", new StringContent("<events/>", Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gw.Client.GetAsync($"/api/v1/experiments/{Exp}/events?from=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gw.Client.GetAsync("/api/v1/experiments/nope/events")).StatusCode);
    }

    [Fact]
    public async Task Ingest_needs_the_ingest_scope_export_read_and_rebuild_admin()
    {
        await using var gw = await EventGateway.StartAsync(
            "--Expothesis:Auth:Keys:0:Key=admin-secret", "--Expothesis:Auth:Keys:0:Scope=admin",
            "--Expothesis:Auth:Keys:1:Key=ingest-secret", "--Expothesis:Auth:Keys:1:Scope=ingest",
            "--Expothesis:Auth:Keys:2:Key=read-secret", "--Expothesis:Auth:Keys:2:Scope=read");
        using var admin = Keyed(gw, "admin-secret");
        using var ingest = Keyed(gw, "ingest-secret");
        using var read = Keyed(gw, "read-secret");
        var created = await admin.PostAsync("/api/v1/experiments", new StringContent(Http.ValidExperiment, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True((await admin.PostAsync($"/api/v1/experiments/{Exp}/start", null)).IsSuccessStatusCode);
        string batch = "[" + Ev("k1", "exposure", variant: "green") + "]";

        Assert.Equal(HttpStatusCode.Unauthorized, (await gw.Client.PostAsync("/api/v1/events/batch", new StringContent(batch, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await read.PostAsync("/api/v1/events/batch", new StringContent(batch, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/api/v1/events/batch", new StringContent(batch, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/api/v1/events", new StringContent(Ev("k1", value: 2), Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync($"/api/v1/experiments/{Exp}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync($"/api/v1/experiments/{Exp}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.PostAsync("/api/v1/admin/rebuild", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await read.GetAsync($"/api/v1/admin/experiments/{Exp}/moments")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/v1/admin/rebuild", null)).StatusCode);
        Assert.Equal(2, (await read.GetStringAsync($"/api/v1/experiments/{Exp}/events")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_corrupt_gzip_body_is_a_400_and_applies_nothing()
    {
        await using var gw = await EventGateway.StartAsync();
        await gw.StartExperimentAsync();
        byte[] json = Encoding.UTF8.GetBytes("[" + Ev("z1", "exposure", variant: "green") + "]");
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(json);
        }
        byte[] corrupt = compressed.ToArray();
        for (int i = 12; i < corrupt.Length - 8; i++)
        {
            corrupt[i] ^= 0x5A;
        }
        var content = new ByteArrayContent(corrupt);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        var response = await gw.Client.PostAsync("/api/v1/events/batch", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await ExportAsync(gw.Client));
    }

    private static HttpClient Keyed(EventGateway gw, string key)
    {
        var client = new HttpClient { BaseAddress = gw.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Store_sizes_come_from_configuration_and_event_ids_stay_exactly_once_when_the_markers_are_on_disk()
    {
        // 64 KiB in-memory logs and 256-bucket indexes: most of the 4,000 seen-id markers go to disk.
        await using var gw = await EventGateway.StartAsync(
            "--Expothesis:Store:UnitMemoryBits=16", "--Expothesis:Store:UnitIndexBits=8",
            "--Expothesis:Store:SeenMemoryBits=16", "--Expothesis:Store:SeenIndexBits=8");
        await gw.StartExperimentAsync();
        string Batch(int from) => "[" + string.Join(",", Enumerable.Range(from, 500).Select(i =>
            i % 2 == 0 ? Ev($"u{i}", "exposure", variant: "green", eventId: $"x{i}") : Ev($"u{i - 1}", value: i, eventId: $"e{i}"))) + "]";
        for (int from = 0; from < 4000; from += 500)
        {
            var first = await PostBatchAsync(gw.Client, Batch(from));
            Assert.Equal((500, 0), (first.GetProperty("accepted").GetInt32(), first.GetProperty("duplicates").GetInt32()));
        }
        for (int from = 0; from < 4000; from += 500)
        {
            var retry = await PostBatchAsync(gw.Client, Batch(from));
            Assert.Equal((0, 500), (retry.GetProperty("accepted").GetInt32(), retry.GetProperty("duplicates").GetInt32()));
        }
        Assert.True(gw.App.Services.GetRequiredService<Expothesis.Fast.Query.ExpothesisEngine>().Ingest.StoreDiskReads > 0);
        Assert.Equal(4000, (await ExportAsync(gw.Client)).Length);
    }

    [Fact]
    public async Task A_store_size_out_of_range_stops_the_server_at_start_naming_the_setting()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentOutOfRangeException>(async () =>
        {
            await using var gw = await EventGateway.StartAsync("--Expothesis:Store:SeenIndexBits=40");
        });
        Assert.Contains("SeenIndexBits", e.Message, StringComparison.Ordinal);
    }
}
