using System.Text.Json;
using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Assignment.Tests;

public sealed class AssignmentRulesTests
{
    private static readonly string[] s_variants = ["control", "green"];

    [Fact]
    public void Defaults_compile_with_the_key_as_seed()
    {
        Assert.True(AssignmentRules.TryCompile(new AssignmentRulesSpec(), "exp-1", s_variants, out AssignmentRules? rules, out _, out _));
        Assert.Equal("exp-1", rules!.Seed);
        Assert.Equal(1, rules.Coverage);
        Assert.Equal("id", rules.HashAttribute);
        Assert.Equal(2, rules.HashVersion);
        Assert.Null(rules.Condition);
        Assert.False(rules.HasNamespace);
        Assert.Equal(0, rules.OverrideCount);
    }

    [Theory]
    [InlineData(-0.5, 0)]
    [InlineData(1.5, 1)]
    [InlineData(0.3, 0.3)]
    public void Coverage_is_clamped(double coverage, double expected)
    {
        Assert.True(AssignmentRules.TryCompile(new AssignmentRulesSpec { Coverage = coverage }, "k", s_variants, out AssignmentRules? rules, out _, out _));
        Assert.Equal(expected, rules!.Coverage);
    }

    public static TheoryData<string, AssignmentRulesSpec> InvalidSpecs => new()
    {
        { "assignment.hash_version", new AssignmentRulesSpec { HashVersion = 3 } },
        { "assignment.hash_version", new AssignmentRulesSpec { HashVersion = 0 } },
        { "assignment.hash_attribute", new AssignmentRulesSpec { HashAttribute = "" } },
        { "assignment.coverage", new AssignmentRulesSpec { Coverage = double.NaN } },
        { "assignment.namespace", new AssignmentRulesSpec { Namespace = ("ns", 0.5, 0.5) } },
        { "assignment.namespace", new AssignmentRulesSpec { Namespace = ("ns", 0.6, 0.2) } },
        { "assignment.namespace", new AssignmentRulesSpec { Namespace = ("ns", -0.1, 0.5) } },
        { "assignment.namespace", new AssignmentRulesSpec { Namespace = ("ns", 0, 1.5) } },
        { "assignment.namespace", new AssignmentRulesSpec { Namespace = ("", 0, 1) } },
        { "assignment.condition", new AssignmentRulesSpec { Condition = JsonDocument.Parse("[1]").RootElement } },
        { "assignment.condition", new AssignmentRulesSpec { Condition = JsonDocument.Parse("\"US\"").RootElement } },
        { "assignment.overrides.qa-user-1", new AssignmentRulesSpec { Overrides = new Dictionary<string, string> { ["qa-user-1"] = "purple" } } },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void Invalid_settings_name_the_field(string field, AssignmentRulesSpec spec)
    {
        Assert.False(AssignmentRules.TryCompile(spec, "k", s_variants, out AssignmentRules? rules, out string? errorField, out string? message));
        Assert.Null(rules);
        Assert.Equal(field, errorField);
        Assert.False(string.IsNullOrEmpty(message));
    }

    [Theory]
    [InlineData("""{"name":{"$bogus":1}}""")]
    [InlineData("""{"name":{"$regex":"(unclosed"}}""")]
    [InlineData("{}")]
    [InlineData("null")]
    public void Unknown_operators_invalid_regex_and_null_conditions_are_not_errors(string condition)
    {
        var spec = new AssignmentRulesSpec { Condition = JsonDocument.Parse(condition).RootElement };
        Assert.True(AssignmentRules.TryCompile(spec, "k", s_variants, out _, out _, out _));
    }

    [Fact]
    public void Namespace_edges_within_the_unit_interval_are_valid()
    {
        var spec = new AssignmentRulesSpec { Namespace = ("checkout", 0, 1) };
        Assert.True(AssignmentRules.TryCompile(spec, "k", s_variants, out AssignmentRules? rules, out _, out _));
        Assert.Equal("__checkout", rules!.NamespaceSeed);
    }

    [Fact]
    public void Overrides_map_to_variant_indexes()
    {
        var spec = new AssignmentRulesSpec { Overrides = new Dictionary<string, string> { ["a"] = "green", ["b"] = "control" } };
        Assert.True(AssignmentRules.TryCompile(spec, "k", s_variants, out AssignmentRules? rules, out _, out _));
        Assert.True(rules!.TryGetOverride("a", out int a));
        Assert.Equal(1, a);
        Assert.True(rules.TryGetOverride("b", out int b));
        Assert.Equal(0, b);
        Assert.False(rules.TryGetOverride("c", out _));
    }
}
