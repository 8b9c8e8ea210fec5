using System.Text.Json;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>
/// What a client sends to create or edit an experiment (API.md "Experiments"), field for field.
/// Every member is optional here so that validation can name each missing or wrong field; the
/// catalog validates it into an <see cref="ExperimentDefinition"/> and stores its normalized form.
/// </summary>
public sealed record ExperimentSpec
{
    /// <summary>Unique key, 1–64 of <c>[a-z0-9._-]</c>.</summary>
    public string? Key { get; init; }

    /// <summary>Display name (defaults to the key).</summary>
    public string? Name { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>The hypothesis and the power settings.</summary>
    public HypothesisSpec? Hypothesis { get; init; }

    /// <summary>2–16 variants.</summary>
    public IReadOnlyList<VariantSpec>? Variants { get; init; }

    /// <summary>1–32 metrics.</summary>
    public IReadOnlyList<MetricSpec>? Metrics { get; init; }

    /// <summary>Bucketing and targeting.</summary>
    public AssignmentSpec? Assignment { get; init; }

    /// <summary>Analysis settings.</summary>
    public AnalysisSpec? Analysis { get; init; }

    /// <summary>Bandit settings, or null for a fixed split.</summary>
    public BanditSpec? Bandit { get; init; }
}

/// <summary>The <c>hypothesis</c> object.</summary>
public sealed record HypothesisSpec
{
    /// <summary>The null hypothesis in words.</summary>
    public string? Null { get; init; }

    /// <summary>The alternative hypothesis in words.</summary>
    public string? Alternative { get; init; }

    /// <summary>Minimum detectable effect (&gt; 0), absolute unless <see cref="MdeRelative"/>.</summary>
    public double? Mde { get; init; }

    /// <summary>Whether <see cref="Mde"/> is relative to the baseline mean.</summary>
    public bool? MdeRelative { get; init; }

    /// <summary>Significance level in (0, 0.5].</summary>
    public double? Alpha { get; init; }

    /// <summary>Power in (0, 1).</summary>
    public double? Power { get; init; }
}

/// <summary>One entry of <c>variants</c>.</summary>
public sealed record VariantSpec
{
    /// <summary>Variant key, 1–64 of <c>[A-Za-z0-9._-]</c>, unique in the experiment.</summary>
    public string? Key { get; init; }

    /// <summary>Display name (defaults to the key).</summary>
    public string? Name { get; init; }

    /// <summary>Weight ≥ 0 (normalized by the catalog; defaults to an equal share).</summary>
    public double? Weight { get; init; }

    /// <summary>Whether this is the control (exactly one; default the first).</summary>
    public bool? IsControl { get; init; }
}

/// <summary>One entry of <c>metrics</c>.</summary>
public sealed record MetricSpec
{
    /// <summary>Metric name, unique in the experiment.</summary>
    public string? Name { get; init; }

    /// <summary><c>binary</c>, <c>count</c> or <c>sum</c>.</summary>
    public string? Kind { get; init; }

    /// <summary><c>primary</c>, <c>secondary</c> (default) or <c>guardrail</c>.</summary>
    public string? Role { get; init; }

    /// <summary><c>increase</c> (default) or <c>decrease</c>.</summary>
    public string? Direction { get; init; }
}

/// <summary>The <c>assignment</c> object.</summary>
public sealed record AssignmentSpec
{
    /// <summary>Share of traffic in the experiment, [0, 1] (default 1).</summary>
    public double? Coverage { get; init; }

    /// <summary>Hash seed (default: the experiment key).</summary>
    public string? Seed { get; init; }

    /// <summary>The attribute hashed (default <c>id</c>).</summary>
    public string? HashAttribute { get; init; }

    /// <summary>GrowthBook hash version 1 or 2 (default 2).</summary>
    public int? HashVersion { get; init; }

    /// <summary>Targeting condition (MongoDB-style), or null.</summary>
    public JsonElement? Condition { get; init; }

    /// <summary><c>[name, start, end]</c> for mutual exclusion, or null.</summary>
    public JsonElement? Namespace { get; init; }

    /// <summary>Whether the first assignment is stored and kept.</summary>
    public bool? Sticky { get; init; }

    /// <summary>Forced variants: unit id → variant key.</summary>
    public IReadOnlyDictionary<string, string>? Overrides { get; init; }
}

/// <summary>The <c>analysis</c> object.</summary>
public sealed record AnalysisSpec
{
    /// <summary><c>frequentist</c> (default) or <c>bayesian</c>.</summary>
    public string? Engine { get; init; }

    /// <summary>Whether always-valid sequential results are computed.</summary>
    public bool? Sequential { get; init; }

    /// <summary>Mixture tuning of the sequential test (&gt; 0, default 5000).</summary>
    public double? SequentialTuning { get; init; }

    /// <summary><c>none</c>, <c>holm</c> (default) or <c>benjamini_hochberg</c>.</summary>
    public string? Correction { get; init; }
}

/// <summary>The <c>bandit</c> object.</summary>
public sealed record BanditSpec
{
    /// <summary><c>thompson</c>, <c>ucb1</c> or <c>epsilon_greedy</c>.</summary>
    public string? Algorithm { get; init; }

    /// <summary>The metric the bandit optimizes (default: the primary metric).</summary>
    public string? Metric { get; init; }

    /// <summary>Exploration share for ε-greedy, [0, 1] (default 0.1).</summary>
    public double? Epsilon { get; init; }

    /// <summary>Units per arm before the policy moves weights (default 100).</summary>
    public int? MinUnitsPerArm { get; init; }

    /// <summary>Seconds between weight updates (default 10).</summary>
    public double? UpdateIntervalS { get; init; }
}
