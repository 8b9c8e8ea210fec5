using System.Net;
using System.Text.Json;
using Expothesis.Fast.Gateway.Health;
using Microsoft.Extensions.DependencyInjection;

namespace Expothesis.Fast.Gateway.Tests.Assignment;

public class AssignmentEndpointTests
{
    private const string Simple = """
        { "key": "simple", "variants": [ { "key": "a" }, { "key": "b" } ],
          "metrics": [ { "name": "m", "kind": "count" } ],
          "assignment": { "overrides": { "forced": "b" } } }
        """;

    [Fact]
    public async Task Omitted_experiments_mean_every_running_one_and_unknown_ones_are_reported()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.CreateAsync(Simple);
        await gw.Client.CreateAsync(Simple.Replace("\"simple\"", "\"other\"", StringComparison.Ordinal));
        await gw.Client.PostEmptyAsync("/api/v1/experiments/simple/start");

        var all = await (await gw.Client.PostJsonAsync("/api/v1/assign", """{ "user_id": "u-1" }""")).ReadJsonAsync();
        Assert.Equal("u-1", all.GetProperty("user_id").GetString());
        var entries = all.GetProperty("assignments");
        Assert.Equal(1, entries.GetArrayLength());
        Assert.Equal("simple", entries[0].GetProperty("experiment").GetString());
        Assert.Equal("split", entries[0].GetProperty("reason").GetString());
        double bucket = entries[0].GetProperty("bucket").GetDouble();
        Assert.InRange(bucket, 0, 1);

        var named = await (await gw.Client.PostJsonAsync("/api/v1/assign",
            """{ "user_id": "u-1", "experiments": ["nope", "other", "simple"], "expose": false }""")).ReadJsonAsync();
        var list = named.GetProperty("assignments");
        Assert.Equal("unknown_experiment", list[0].GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, list[0].GetProperty("variant").ValueKind);
        Assert.Equal("not_running", list[1].GetProperty("reason").GetString());
        Assert.Equal(entries[0].GetProperty("variant").GetString(), list[2].GetProperty("variant").GetString());
    }

    [Fact]
    public async Task The_user_id_is_the_default_hash_attribute_and_an_explicit_id_wins()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.CreateAsync(Simple);
        await gw.Client.PostEmptyAsync("/api/v1/experiments/simple/start");
        var byUser = await (await gw.Client.PostJsonAsync("/api/v1/assign", """{ "user_id": "forced" }""")).ReadJsonAsync();
        Assert.Equal("override", byUser.GetProperty("assignments")[0].GetProperty("reason").GetString());
        var byAttribute = await (await gw.Client.PostJsonAsync("/api/v1/assign", """{ "user_id": "x", "attributes": { "id": "forced" } }""")).ReadJsonAsync();
        Assert.Equal("override", byAttribute.GetProperty("assignments")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_single_assignment_get_matches_the_post()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.CreateAsync(Simple);
        await gw.Client.PostEmptyAsync("/api/v1/experiments/simple/start");
        var post = await gw.Client.AssignAsync("u-42", "simple", "{}");
        var get = await (await gw.Client.GetAsync("/api/v1/experiments/simple/assignment/u-42")).ReadJsonAsync();
        Assert.Equal(post.GetProperty("variant").GetString(), get.GetProperty("variant").GetString());
        Assert.Equal(post.GetProperty("bucket").GetDouble(), get.GetProperty("bucket").GetDouble());
        await Http.AssertProblemAsync(await gw.Client.GetAsync("/api/v1/experiments/nope/assignment/u-42"), 404);
    }

    [Fact]
    public async Task A_missing_user_id_or_non_object_attributes_get_400()
    {
        await using var gw = await TestGateway.StartAsync();
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/assign", "{}"), 400, "user_id");
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/assign", """{ "user_id": "u", "attributes": [1] }"""), 400, "attributes");
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/assign", "{ nope"), 400);
    }

    [Fact]
    public async Task Ofrep_evaluates_flags_with_the_documented_reasons_and_errors()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.CreateAsync(Simple);

        var disabled = await (await gw.Client.PostJsonAsync("/ofrep/v1/evaluate/flags/simple", """{ "context": { "targetingKey": "u-1" } }""")).ReadJsonAsync();
        Assert.Equal("DISABLED", disabled.GetProperty("reason").GetString());
        Assert.Equal("a", disabled.GetProperty("value").GetString());
        Assert.False(disabled.GetProperty("metadata").GetProperty("in_experiment").GetBoolean());

        await gw.Client.PostEmptyAsync("/api/v1/experiments/simple/start");
        var split = await (await gw.Client.PostJsonAsync("/ofrep/v1/evaluate/flags/simple", """{ "context": { "targetingKey": "u-1" } }""")).ReadJsonAsync();
        Assert.Equal("SPLIT", split.GetProperty("reason").GetString());
        Assert.Equal("simple", split.GetProperty("key").GetString());
        Assert.Equal(split.GetProperty("value").GetString(), split.GetProperty("variant").GetString());
        Assert.True(split.GetProperty("metadata").GetProperty("in_experiment").GetBoolean());

        var forced = await (await gw.Client.PostJsonAsync("/ofrep/v1/evaluate/flags/simple", """{ "context": { "targetingKey": "forced" } }""")).ReadJsonAsync();
        Assert.Equal("TARGETING_MATCH", forced.GetProperty("reason").GetString());
        Assert.Equal("b", forced.GetProperty("value").GetString());

        var notFound = await gw.Client.PostJsonAsync("/ofrep/v1/evaluate/flags/nope", """{ "context": { "targetingKey": "u-1" } }""");
        await Http.AssertProblemAsync(notFound, 404);
        Assert.Equal("FLAG_NOT_FOUND", (await notFound.ReadJsonAsync()).GetProperty("errorCode").GetString());

        var missing = await gw.Client.PostJsonAsync("/ofrep/v1/evaluate/flags/simple", """{ "context": { "country": "US" } }""");
        await Http.AssertProblemAsync(missing, 400);
        Assert.Equal("TARGETING_KEY_MISSING", (await missing.ReadJsonAsync()).GetProperty("errorCode").GetString());

        var invalid = await gw.Client.PostJsonAsync("/ofrep/v1/evaluate/flags/simple", """{ "context": 5 }""");
        await Http.AssertProblemAsync(invalid, 400);
        Assert.Equal("INVALID_CONTEXT", (await invalid.ReadJsonAsync()).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Readiness_is_503_while_held_and_the_openapi_document_is_served()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.WaitUntilReadyAsync();
        var readiness = gw.App.Services.GetRequiredService<GatewayReadiness>();
        using (readiness.Hold("recovery"))
        {
            await Http.AssertProblemAsync(await gw.Client.GetAsync("/health/ready"), 503);
        }
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/health/live")).StatusCode);

        var openapi = await gw.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openapi.StatusCode);
        var doc = await openapi.ReadJsonAsync();
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/experiments", out _));
    }

    [Fact]
    public async Task An_unknown_route_gets_a_problem_404()
    {
        await using var gw = await TestGateway.StartAsync();
        await Http.AssertProblemAsync(await gw.Client.GetAsync("/api/v1/does-not-exist"), 404);
    }
}
