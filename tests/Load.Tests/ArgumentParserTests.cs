using Expothesis.Fast.Load.Cli;

namespace Expothesis.Fast.Load.Tests;

public sealed class ArgumentParserTests
{
    [Fact]
    public void Defaults_apply_when_only_the_scenario_is_given()
    {
        var o = ArgumentParser.Parse(["ingest"], out var error);
        Assert.Null(error);
        Assert.NotNull(o);
        Assert.Equal("ingest", o.Scenario);
        Assert.Equal(new Uri("http://127.0.0.1:5080"), o.Url);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Duration);
        Assert.Equal(500, o.BatchSize);
        Assert.Null(o.Rate);
        Assert.Null(o.Connections);
        Assert.False(o.NoSetup);
    }

    [Fact]
    public void Every_kind_of_option_is_parsed()
    {
        var o = ArgumentParser.Parse(
        [
            "ingest", "--url", "http://10.0.0.1:9000/", "--api-key", "k1", "--duration", "30s", "--warmup=500ms",
            "--rate", "1500.5", "--batch", "1000", "--users", "5000", "--experiments", "8", "--metrics", "5",
            "--server-pid", "42", "--cpu-pids", "7, 8,9", "--json", "out.json", "--markdown", "out.md", "--no-setup",
            "--plain", "--events", "1e6", "--event-ids",
        ], out var error);
        Assert.Null(error);
        Assert.NotNull(o);
        Assert.Equal(new Uri("http://10.0.0.1:9000"), o.Url);
        Assert.Equal("k1", o.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Duration);
        Assert.True(o.DurationGiven);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.Warmup);
        Assert.Equal(1500.5, o.Rate);
        Assert.Equal(1000, o.BatchSize);
        Assert.Equal(5000, o.Users);
        Assert.Equal(8, o.Experiments);
        Assert.Equal(5, o.Metrics);
        Assert.Equal(42, o.ServerPid);
        Assert.Equal([7, 8, 9], o.CpuPids);
        Assert.Equal("out.json", o.JsonPath);
        Assert.Equal("out.md", o.MarkdownPath);
        Assert.True(o.NoSetup);
        Assert.True(o.Plain);
        Assert.True(o.EventIds);
        Assert.Equal(1_000_000, o.Events);
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("250ms", 250)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5", 1_500)]
    [InlineData("1h", 3_600_000)]
    public void Durations_accept_units(string text, double milliseconds) =>
        Assert.Equal(milliseconds, ArgumentParser.ParseDuration(text).TotalMilliseconds, 6);

    [Theory]
    [InlineData(new[] { "ingest", "--rate", "10", "--connections", "4" }, "exclude each other")]
    [InlineData(new[] { "nonsense" }, "unknown scenario")]
    [InlineData(new string[0], "missing scenario")]
    [InlineData(new[] { "assign", "--bogus", "1" }, "unknown option")]
    [InlineData(new[] { "assign", "--rate" }, "needs a value")]
    [InlineData(new[] { "assign", "--rate", "-3" }, "--rate")]
    [InlineData(new[] { "assign", "--duration", "soon" }, "not a duration")]
    [InlineData(new[] { "ramp", "--factor", "1" }, "greater than 1")]
    [InlineData(new[] { "assign", "--experiments", "2", "--experiments-per-call", "3" }, "cannot exceed")]
    [InlineData(new[] { "ingest", "stray" }, "unexpected argument")]
    public void Invalid_arguments_are_reported_with_a_reason(string[] args, string reason)
    {
        var o = ArgumentParser.Parse(args, out var error);
        Assert.Null(o);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Scenario_specific_options_are_parsed()
    {
        var ramp = ArgumentParser.Parse(["ramp", "--target", "assign", "--start", "1000", "--factor", "1.5", "--step", "3s", "--p99", "2ms"], out _);
        Assert.NotNull(ramp);
        Assert.Equal("assign", ramp.RampTarget);
        Assert.Equal(1000, ramp.RampStart);
        Assert.Equal(1.5, ramp.RampFactor);
        Assert.Equal(TimeSpan.FromSeconds(3), ramp.RampStep);
        Assert.Equal(TimeSpan.FromMilliseconds(2), ramp.RampP99);

        var sim = ArgumentParser.Parse(["simulate", "--experiment", "checkout", "--lift", "0.2", "--rate", "5000", "--no-stop"], out _);
        Assert.NotNull(sim);
        Assert.Equal("checkout", sim.Experiment);
        Assert.Equal(0.2, sim.Lift);
        Assert.Equal(5000, sim.Rate);
        Assert.False(sim.UntilDecision);
    }
}
