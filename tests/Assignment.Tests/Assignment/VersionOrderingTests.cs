using System.Text.Json;
using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Assignment.Tests;

/// <summary>Semver ordering through the version operators, prerelease rules included.</summary>
public sealed class VersionOrderingTests
{
    [Theory]
    [InlineData("0.9.99", "1.0.0")]
    [InlineData("0.9.0", "0.10.0")]
    [InlineData("1.0.0-0.0", "1.0.0-0.0.0")]
    [InlineData("1.0.0-9999", "1.0.0--")]
    [InlineData("1.0.0-99", "1.0.0-100")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta")]
    [InlineData("1.0.0-alpha.beta", "1.0.0-beta")]
    [InlineData("1.0.0-beta", "1.0.0-beta.2")]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11")]
    [InlineData("1.0.0-beta.11", "1.0.0-rc.1")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    [InlineData("1.0.0-0", "1.0.0--1")]
    [InlineData("1.0.0-0", "1.0.0-1")]
    [InlineData("1.0.0-1.0", "1.0.0-1.-1")]
    [InlineData("0.0.0-foo", "0.0.0")]
    [InlineData("v0.0.0", "0.0.1")]
    [InlineData("0.9.9", "v1.0.0")]
    [InlineData("1.2.3-asdf", "1.2.3")]
    [InlineData("1.2.3-4", "1.2.3")]
    [InlineData("1.2.3-5", "1.2.3-5-foo")]
    [InlineData("1.2.3-5-Foo", "1.2.3-5-foo")]
    [InlineData("2.7.2+asdf", "3.0.0")]
    [InlineData("1.2.3-a.5", "1.2.3-a.10")]
    [InlineData("1.2.3-a.5", "1.2.3-a.b")]
    [InlineData("1.2.3-a", "1.2.3-a.b")]
    [InlineData("1.2.3-a.b.c.5.d.100", "1.2.3-a.b.c.10.d.5")]
    [InlineData("1.2.3-r100", "1.2.3-r2")]
    [InlineData("1.2.3-R2", "1.2.3-r100")]
    [InlineData("1.2.3", "a.b.c.d.e.f")]
    [InlineData("9.0.0", "10.0.0")]
    [InlineData("9999.0.0", "10000.0.0")]
    public void Lower_version_is_less_than_higher(string lower, string higher)
    {
        Assert.True(Holds(lower, "$vlt", higher));
        Assert.True(Holds(lower, "$vlte", higher));
        Assert.True(Holds(higher, "$vgt", lower));
        Assert.True(Holds(higher, "$vgte", lower));
        Assert.False(Holds(lower, "$vgt", higher));
        Assert.False(Holds(lower, "$veq", higher));
        Assert.True(Holds(lower, "$vne", higher));
    }

    [Theory]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("1.2.3", "v1.2.3")]
    [InlineData("1.2.3-0", "v1.2.3-0")]
    [InlineData("1.2.3-beta", "v1.2.3-beta")]
    [InlineData("1.2.3-beta+build", "1.2.3-beta+otherbuild")]
    [InlineData("1-2-3", "1.2.3")]
    [InlineData("1-2-3", "1-2.3+build99")]
    [InlineData("1.2.3.4", "1.2.3-4")]
    public void Equal_versions_are_equal(string a, string b)
    {
        Assert.True(Holds(a, "$veq", b));
        Assert.True(Holds(a, "$vgte", b));
        Assert.True(Holds(a, "$vlte", b));
        Assert.False(Holds(a, "$vne", b));
        Assert.False(Holds(a, "$vgt", b));
    }

    [Fact]
    public void A_very_long_version_is_compared_without_failing()
    {
        string longVersion = string.Join('.', Enumerable.Repeat("1", 200));
        Assert.True(Holds(longVersion, "$vgt", "1.0.0"));
    }

    private static bool Holds(string actual, string op, string expected)
    {
        TargetingCondition condition = TargetingCondition.Parse(
            "{\"v\":{\"" + op + "\":" + JsonSerializer.Serialize(expected) + "}}");
        using JsonDocument attributes = JsonDocument.Parse("{\"v\":" + JsonSerializer.Serialize(actual) + "}");
        return condition.Evaluate(attributes.RootElement);
    }
}
