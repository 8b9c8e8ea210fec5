using System.Net;
using Expothesis.Fast.Gateway.Auth;

namespace Expothesis.Fast.Gateway.Tests.Auth;

public class ApiKeyTests
{
    private static readonly string[] s_keys =
    [
        "--Expothesis:Auth:Keys:0:Key=admin-secret", "--Expothesis:Auth:Keys:0:Scope=admin",
        "--Expothesis:Auth:Keys:1:Key=ingest-secret", "--Expothesis:Auth:Keys:1:Scope=ingest",
        "--Expothesis:Auth:Keys:2:Key=read-secret", "--Expothesis:Auth:Keys:2:Scope=read",
    ];

    [Fact]
    public async Task The_key_matrix_holds_for_one_endpoint_of_each_scope()
    {
        await using var gw = await TestGateway.StartAsync(null, s_keys);
        using var admin = gw.ClientWithKey("admin-secret");
        using var ingest = gw.ClientWithKey("ingest-secret", bearer: false);
        using var read = gw.ClientWithKey("read-secret");
        using var wrong = gw.ClientWithKey("not-a-key");

        // admin: create
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/experiments", Http.ValidExperiment), 401);
        await Http.AssertProblemAsync(await wrong.PostJsonAsync("/api/v1/experiments", Http.ValidExperiment), 401);
        await Http.AssertProblemAsync(await read.PostJsonAsync("/api/v1/experiments", Http.ValidExperiment), 403);
        await Http.AssertProblemAsync(await ingest.PostJsonAsync("/api/v1/experiments", Http.ValidExperiment), 403);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/experiments", Http.ValidExperiment)).StatusCode);

        // read: list
        await Http.AssertProblemAsync(await gw.Client.GetAsync("/api/v1/experiments"), 401);
        await Http.AssertProblemAsync(await ingest.GetAsync("/api/v1/experiments"), 403);
        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync("/api/v1/experiments")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/experiments")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/api/v1/experiments?api_key=read-secret")).StatusCode);

        // ingest: assign
        const string assign = """{ "user_id": "u-1" }""";
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/assign", assign), 401);
        await Http.AssertProblemAsync(await read.PostJsonAsync("/api/v1/assign", assign), 403);
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostJsonAsync("/api/v1/assign", assign)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync("/api/v1/assign", assign)).StatusCode);

        // the query key is for GETs only
        await Http.AssertProblemAsync(await gw.Client.PostJsonAsync("/api/v1/assign?api_key=ingest-secret", assign), 401);

        // health stays open
        Assert.Equal(HttpStatusCode.OK, (await gw.Client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task A_key_server_may_listen_beyond_loopback_config_wise()
    {
        var builder = GatewayHost.CreateBuilder(["--urls=http://0.0.0.0:0", "--Expothesis:Durability=none", .. s_keys]);
        await using var app = GatewayHost.Build(builder);
        Assert.NotNull(app);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://10.1.2.3:5080")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    public void Open_mode_refuses_a_non_loopback_binding(string urls)
    {
        var builder = GatewayHost.CreateBuilder(["--urls=" + urls, "--Expothesis:Durability=none"]);
        var ex = Assert.Throws<InvalidOperationException>(() => GatewayHost.Build(builder));
        Assert.StartsWith("Refusing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("https://127.0.0.2:1", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://example.com:5080", false)]
    public void Loopback_detection(string url, bool loopback) => Assert.Equal(loopback, BindingGuard.IsLoopback(url));

    [Fact]
    public void An_unknown_scope_is_a_configuration_error()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ApiKeyRing([new ApiKeyOptions { Key = "k", Scope = "root" }]));
        Assert.Contains("Scope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_match_exactly()
    {
        var ring = new ApiKeyRing([new ApiKeyOptions { Key = "abc", Scope = "read" }, new ApiKeyOptions { Key = "abcd", Scope = "admin" }]);
        Assert.True(ring.TryAuthenticate("abc", out var s1));
        Assert.Equal(ApiScope.Read, s1);
        Assert.True(ring.TryAuthenticate("abcd", out var s2));
        Assert.Equal(ApiScope.Admin, s2);
        Assert.False(ring.TryAuthenticate("ab", out _));
        Assert.False(ring.TryAuthenticate("", out _));
        Assert.False(ring.TryAuthenticate(new string('x', 5000), out _));
    }
}
