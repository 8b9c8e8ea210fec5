using System.Net;
using Expothesis.Fast.Gateway.Metrics;

namespace Expothesis.Fast.Gateway.Tests.Operations;

public class MetricsAndRateLimitTests
{
    [Fact]
    public async Task Metrics_are_served_in_prometheus_text_format_with_requests_assignments_and_catalog_version()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.CreateAsync();
        await gw.Client.PostEmptyAsync("/api/v1/experiments/checkout-button/start");
        await gw.Client.AssignAsync("u-1", "checkout-button");
        await gw.Client.GetAsync("/api/v1/experiments/nope");

        var response = await gw.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("version=0.0.4", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        string text = await response.Content.ReadAsStringAsync();

        Assert.Contains("# TYPE expothesis_http_requests_total counter", text, StringComparison.Ordinal);
        Assert.Contains("expothesis_http_requests_total{route=\"/api/v1/experiments/\",method=\"POST\",status=\"201\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("expothesis_http_requests_total{route=\"/api/v1/experiments/{experiment}\",method=\"GET\",status=\"404\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE expothesis_http_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("expothesis_http_request_duration_seconds_bucket{route=\"/api/v1/assign\",le=\"+Inf\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("expothesis_assignments_total{reason=\"split\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("expothesis_catalog_version 2", text, StringComparison.Ordinal);
        Assert.Contains("expothesis_experiments{status=\"running\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE expothesis_ingest_events_accepted_total counter", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_writer_groups_samples_by_family_and_escapes_labels()
    {
        var writer = new MetricsWriter();
        writer.Counter("a_total", "A.", 1, new KeyValuePair<string, string>("x", "q\"b\\n"));
        writer.Gauge("b", "B.", double.PositiveInfinity);
        writer.Counter("a_total", "A.", 2, new KeyValuePair<string, string>("x", "2"));
        string text = writer.ToString();
        Assert.Equal(
            "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"q\\\"b\\\\n\"} 1\na_total{x=\"2\"} 2\n# HELP b B.\n# TYPE b gauge\nb +Inf\n",
            text);
    }

    [Fact]
    public async Task Over_the_rate_gets_429_with_retry_after_and_health_is_not_limited()
    {
        await using var gw = await TestGateway.StartAsync(null, "--Expothesis:RateLimit:PermitsPerSecond=0.01", "--Expothesis:RateLimit:Burst=2");
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/api/v1/experiments")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/api/v1/experiments")).StatusCode);
        var limited = await gw.Client.GetAsync("/api/v1/experiments");
        await Http.AssertProblemAsync(limited, 429);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After: " + limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Made_up_keys_share_the_client_address_bucket()
    {
        await using var gw = await TestGateway.StartAsync(null, "--Expothesis:RateLimit:PermitsPerSecond=0.01", "--Expothesis:RateLimit:Burst=2",
            "--Expothesis:Auth:Keys:0:Key=read-secret", "--Expothesis:Auth:Keys:0:Scope=read");
        using var a = gw.ClientWithKey("made-up-1");
        using var b = gw.ClientWithKey("made-up-2");
        using var c = gw.ClientWithKey("made-up-3");
        await Http.AssertProblemAsync(await a.GetAsync("/api/v1/experiments"), 401);
        await Http.AssertProblemAsync(await b.GetAsync("/api/v1/experiments"), 401);
        await Http.AssertProblemAsync(await c.GetAsync("/api/v1/experiments"), 429);
        using var valid = gw.ClientWithKey("read-secret");
        Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("/api/v1/experiments")).StatusCode);
    }

    [Fact]
    public async Task The_limiter_is_off_by_default()
    {
        await using var gw = await TestGateway.StartAsync();
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/api/v1/experiments")).StatusCode);
        }
    }
}
