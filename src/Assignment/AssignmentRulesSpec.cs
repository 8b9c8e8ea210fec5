using System.Text.Json;

namespace Expothesis.Fast.Assignment;

/// <summary>
/// The assignment settings of an experiment as stored (API.md "Experiments", field <c>assignment</c>).
/// Compile it with <see cref="AssignmentRules.TryCompile"/> when the experiment is saved.
/// </summary>
public sealed record AssignmentRulesSpec
{
    private static readonly IReadOnlyDictionary<string, string> s_noOverrides = new Dictionary<string, string>(0);

    /// <summary>Share of the traffic that takes part, clamped to [0, 1] when ranges are built.</summary>
    public double Coverage { get; init; } = 1;

    /// <summary>Hash seed; null or empty means the experiment key.</summary>
    public string? Seed { get; init; }

    /// <summary>The attribute whose value is hashed; <c>id</c> defaults to the request's user id.</summary>
    public string HashAttribute { get; init; } = "id";

    /// <summary>GrowthBook hash version, 1 or 2.</summary>
    public int HashVersion { get; init; } = 2;

    /// <summary>Targeting condition (a JSON object in the condition language), or null for everyone.</summary>
    public JsonElement? Condition { get; init; }

    /// <summary>Mutual-exclusion namespace <c>[name, start, end)</c>, or null.</summary>
    public (string Name, double Start, double End)? Namespace { get; init; }

    /// <summary>Keep each unit's first assignment so later weight changes do not move it.</summary>
    public bool Sticky { get; init; }

    /// <summary>Forced variants: hash-attribute value (user id) to variant key.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = s_noOverrides;
}
