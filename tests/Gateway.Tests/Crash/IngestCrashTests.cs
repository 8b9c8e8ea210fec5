using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Expothesis.Fast.Gateway.Tests.Crash;

/// <summary>
/// The real server under concurrent batch load (fsync), killed with SIGKILL at a random moment and
/// restarted, three times: every acknowledged event is in the export and in the sums, nothing twice.
/// </summary>
public sealed class IngestCrashTests(ITestOutputHelper output)
{
    private const string Experiment = "checkout-button";
    private const int Workers = 3;
    private const int UsersPerBatch = 25;

    [Fact]
    public async Task Acknowledged_events_survive_sigkill_and_are_counted_exactly_once()
    {
        int seed = Environment.TickCount & 0x7fffffff;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        string directory = Path.Combine(Path.GetTempPath(), "expothesis-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var acknowledged = new ConcurrentDictionary<string, int>(); // metric event id -> value
        var acknowledgedBatches = new ConcurrentQueue<string>();
        try
        {
            var server = ServerProcess.Start(directory);
            try
            {
                await server.WaitUntilReadyAsync(client);
                await CreateExperimentAsync(client, server.BaseAddress);
                for (int cycle = 0; cycle < 3; cycle++)
                {
                    int killAfterMs = random.Next(150, 900);
                    int batches = await RunLoadAndKillAsync(client, server, cycle, killAfterMs, acknowledged, acknowledgedBatches);
                    output.WriteLine($"cycle {cycle}: killed after {killAfterMs} ms, {batches} batches acknowledged, {acknowledged.Count} metric events acknowledged in total");
                    server.Dispose();
                    server = ServerProcess.Start(directory);
                    await server.WaitUntilReadyAsync(client);
                    await VerifyAsync(client, server.BaseAddress, acknowledged, $"seed {seed}, cycle {cycle}");
                    if (acknowledgedBatches.TryPeek(out string? replay))
                    {
                        await VerifyReplayIsDuplicateAsync(client, server.BaseAddress, replay, acknowledged, $"seed {seed}, cycle {cycle}");
                    }
                }
                Assert.True(acknowledged.Count > 0, "no batch was acknowledged before the kills");
            }
            finally
            {
                server.Dispose();
            }
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task CreateExperimentAsync(HttpClient client, Uri server)
    {
        var created = await client.PostAsync(new Uri(server, "/api/v1/experiments"), new StringContent(Http.ValidExperiment, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var started = await client.PostAsync(new Uri(server, $"/api/v1/experiments/{Experiment}/start"), null);
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var probe = await client.PostAsync(new Uri(server, "/api/v1/events/batch"), new StringContent("[]", Encoding.UTF8, "application/json"));
        Assert.True(probe.StatusCode == HttpStatusCode.OK,
            $"POST /api/v1/events/batch answered {(int)probe.StatusCode} in the server binary: GatewayHost must call services.AddEventIngest(configuration) and app.MapEventEndpoints()");
    }

    private static async Task<int> RunLoadAndKillAsync(HttpClient client, ServerProcess server, int cycle, int killAfterMs,
        ConcurrentDictionary<string, int> acknowledged, ConcurrentQueue<string> acknowledgedBatches)
    {
        using var stop = new CancellationTokenSource();
        int batchesAcknowledged = 0;
        var endpoint = new Uri(server.BaseAddress, "/api/v1/events/batch");
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (int sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                var values = new List<(string EventId, int Value)>();
                var sb = new StringBuilder("{\"events\":[");
                for (int u = 0; u < UsersPerBatch; u++)
                {
                    string user = $"c{cycle}-w{worker}-b{sequence}-u{u}";
                    int value = (u * 7 + sequence) % 9 + 1;
                    string variant = u % 2 == 0 ? "green" : "control";
                    if (u > 0)
                    {
                        sb.Append(',');
                    }
                    sb.Append($$"""{"experiment":"{{Experiment}}","user_id":"{{user}}","type":"exposure","variant":"{{variant}}","event_id":"x-{{user}}"},""");
                    sb.Append($$"""{"experiment":"{{Experiment}}","user_id":"{{user}}","metric":"revenue","value":{{value}},"event_id":"m-{{user}}"}""");
                    values.Add(("m-" + user, value));
                }
                sb.Append("]}");
                string body = sb.ToString();
                HttpResponseMessage response;
                try
                {
                    response = await client.PostAsync(endpoint, new StringContent(body, Encoding.UTF8, "application/json"));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return; // the server is gone: this batch is not acknowledged (it may or may not have been applied)
                }
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue; // e.g. 503 queue full: not acknowledged
                }
                string text;
                try
                {
                    text = await response.Content.ReadAsStringAsync();
                }
                catch (HttpRequestException)
                {
                    return;
                }
                var result = JsonDocument.Parse(text).RootElement;
                Assert.True(result.GetProperty("accepted").GetInt32() == 2 * UsersPerBatch, text);
                foreach (var (eventId, value) in values)
                {
                    acknowledged[eventId] = value;
                }
                acknowledgedBatches.Enqueue(body);
                Interlocked.Increment(ref batchesAcknowledged);
            }
        })).ToArray();
        await Task.Delay(killAfterMs);
        server.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return batchesAcknowledged;
    }

    private static async Task VerifyAsync(HttpClient client, Uri server, ConcurrentDictionary<string, int> acknowledged, string context)
    {
        string export = await client.GetStringAsync(new Uri(server, $"/api/v1/experiments/{Experiment}/events?format=ndjson"));
        var seen = new HashSet<string>();
        var exposed = new HashSet<string>();
        double s1 = 0, s2 = 0;
        foreach (string line in export.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var e = JsonDocument.Parse(line).RootElement;
            string eventId = e.GetProperty("event_id").GetString()!;
            Assert.True(seen.Add(eventId), $"{context}: event {eventId} exported twice");
            if (e.GetProperty("type").GetString() == "exposure")
            {
                exposed.Add(e.GetProperty("user_id").GetString()!);
            }
            else
            {
                double value = e.GetProperty("value").GetDouble();
                s1 += value;
                s2 += value * value;
            }
        }
        var missing = acknowledged.Keys.Where(id => !seen.Contains(id)).Take(5).ToArray();
        Assert.True(missing.Length == 0, $"{context}: acknowledged events missing from the export: {string.Join(", ", missing)}");

        var moments = JsonDocument.Parse(await client.GetStringAsync(new Uri(server, $"/api/v1/admin/experiments/{Experiment}/moments"))).RootElement;
        double sumS1 = 0, sumS2 = 0;
        foreach (var variant in moments.GetProperty("variants").EnumerateArray())
        {
            var revenue = variant.GetProperty("metrics").GetProperty("revenue");
            sumS1 += revenue.GetProperty("s1").GetDouble();
            sumS2 += revenue.GetProperty("s2").GetDouble();
        }
        Assert.True(s1 == sumS1 && s2 == sumS2, $"{context}: sums S1={sumS1} S2={sumS2}, the export says S1={s1} S2={s2}");
        Assert.True(moments.GetProperty("total_units").GetInt64() == exposed.Count, $"{context}: {moments.GetProperty("total_units")} units counted, {exposed.Count} exposed in the export");
    }

    private static async Task VerifyReplayIsDuplicateAsync(HttpClient client, Uri server, string body, ConcurrentDictionary<string, int> acknowledged, string context)
    {
        string before = await client.GetStringAsync(new Uri(server, $"/api/v1/admin/experiments/{Experiment}/moments"));
        var response = await client.PostAsync(new Uri(server, "/api/v1/events/batch"), new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonDocument.Parse(text).RootElement;
        Assert.True(result.GetProperty("accepted").GetInt32() == 0 && result.GetProperty("duplicates").GetInt32() == 2 * UsersPerBatch, $"{context}: replaying an acknowledged batch gave {text}");
        Assert.Equal(before, await client.GetStringAsync(new Uri(server, $"/api/v1/admin/experiments/{Experiment}/moments")));
        await VerifyAsync(client, server, acknowledged, context + " (after the replay)");
    }
}
