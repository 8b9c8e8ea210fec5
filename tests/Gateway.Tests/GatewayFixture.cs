using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Expothesis.Fast.Gateway.Tests;

/// <summary>A real Kestrel gateway on 127.0.0.1:0 over a temporary data directory.</summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private TestGateway(WebApplication app, string dataDirectory, bool ownsDirectory)
    {
        App = app;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        BaseAddress = new Uri(app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    private readonly bool _ownsDirectory;

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<TestGateway> StartAsync(string? dataDirectory = null, params string[] extraArgs)
    {
        bool owns = dataDirectory is null;
        dataDirectory ??= NewDirectory();
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--Expothesis:DataDirectory=" + dataDirectory };
        args.AddRange(extraArgs);
        var builder = GatewayHost.CreateBuilder([.. args]);
        builder.Logging.ClearProviders();
        var app = GatewayHost.Build(builder);
        await app.StartAsync();
        return new TestGateway(app, dataDirectory, owns);
    }

    public static string NewDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "expothesis-gw-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public HttpClient ClientWithKey(string key, bool bearer = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        else
        {
            client.DefaultRequestHeaders.Add("X-API-Key", key);
        }
        return client;
    }

    /// <summary>Polls /health/ready until the engine has recovered (at most 100 polls).</summary>
    public async Task WaitUntilReadyAsync()
    {
        for (int i = 0; i < 100; i++)
        {
            if ((await Client.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("/health/ready never answered 200");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

internal static class Http
{
    public const string ValidExperiment = """
        {
          "key": "checkout-button",
          "name": "Checkout button colour",
          "description": "Green vs blue",
          "hypothesis": { "null": "no change", "alternative": "green converts better", "mde": 0.02, "mde_relative": false, "alpha": 0.05, "power": 0.8 },
          "variants": [ { "key": "control", "name": "Blue", "weight": 0.5, "is_control": true },
                        { "key": "green", "name": "Green", "weight": 0.5 } ],
          "metrics": [ { "name": "purchase", "kind": "binary", "role": "primary", "direction": "increase" },
                       { "name": "revenue", "kind": "sum", "role": "secondary" },
                       { "name": "errors", "kind": "count", "role": "guardrail", "direction": "decrease" } ],
          "assignment": { "coverage": 1.0, "seed": "checkout-button", "hash_attribute": "id", "hash_version": 2,
                          "condition": { "country": { "$in": ["US", "CA"] } }, "namespace": ["checkout", 0, 1],
                          "sticky": false, "overrides": { "qa-user-1": "green" } },
          "analysis": { "engine": "frequentist", "sequential": false, "sequential_tuning": 5000, "correction": "holm" },
          "bandit": null
        }
        """;

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json)
        => client.PostAsync(path, Json(json));

    public static async Task<JsonElement> CreateAsync(this HttpClient client, string json = ValidExperiment)
    {
        var response = await client.PostJsonAsync("/api/v1/experiments", json);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement> AssignAsync(this HttpClient client, string userId, string experiment, string attributes = """{ "country": "US" }""")
    {
        var response = await client.PostJsonAsync("/api/v1/assign",
            $$"""{ "user_id": "{{userId}}", "attributes": {{attributes}}, "experiments": ["{{experiment}}"] }""");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return body.GetProperty("assignments")[0];
    }

    public static async Task AssertProblemAsync(HttpResponseMessage response, int status, string? field = null)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.True(body.TryGetProperty("title", out _));
        Assert.True(body.TryGetProperty("type", out _));
        if (field is not null)
        {
            Assert.True(body.TryGetProperty("errors", out var errors), "no errors member: " + body);
            Assert.True(errors.TryGetProperty(field, out _), $"errors do not name '{field}': {errors}");
        }
    }

    public static Task<HttpResponseMessage> PostEmptyAsync(this HttpClient client, string path) => client.PostAsync(path, null);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, string json) => client.PutAsync(path, Json(json));

    public static Task<JsonElement?> GetJsonOrNullAsync(this HttpClient client, string path)
        => client.GetFromJsonAsync<JsonElement?>(path);
}
