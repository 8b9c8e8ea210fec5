using System.Text.Json.Serialization;

namespace Expothesis.Fast.Query.Analysis;

/// <summary>The analysis of one experiment (API.md "Analysis"); serialize with <see cref="AnalysisJsonContext"/>.</summary>
public sealed record AnalysisDocument(
    string Experiment,
    string Status,
    string ComputedAt,
    SrmDocument Srm,
    IReadOnlyList<MetricDocument> Metrics,
    PowerDocument Power,
    BanditDocument? Bandit,
    RecommendationDocument Recommendation)
{
    /// <summary>Time of the newest event or exposure counted (RFC 3339 UTC), null before any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LastEventAt { get; init; }

    /// <summary>Sets <see cref="LastEventAt"/> from Unix milliseconds (0 = no event yet).</summary>
    public AnalysisDocument WithLastEvent(long lastEventMs) => lastEventMs <= 0
        ? this
        : this with { LastEventAt = DateTimeOffset.FromUnixTimeMilliseconds(lastEventMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>Sample-ratio mismatch check: chi-square of units per variant against the expected shares.</summary>
public sealed record SrmDocument(double? PValue, bool Flagged, Dictionary<string, long> Observed, Dictionary<string, double> ExpectedShare);

/// <summary>One metric's results.</summary>
public sealed record MetricDocument(
    string Name,
    string Kind,
    string Role,
    string Direction,
    IReadOnlyList<VariantDocument> Variants,
    IReadOnlyList<ComparisonDocument> Comparisons,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OmnibusDocument? Omnibus);

/// <summary>One variant of a metric: units, Σy, mean, sample variance, CI of the mean ([lower, upper] or null).</summary>
public sealed record VariantDocument(string Variant, long Units, double Sum, double Mean, double Variance, double[]? Ci);

/// <summary>A treatment against the baseline (control).</summary>
public sealed record ComparisonDocument(
    string Variant,
    string Baseline,
    string Test,
    double? Statistic,
    double? Df,
    double? PValue,
    double? PValueAdjusted,
    double Difference,
    double[]? DifferenceCi,
    double? RelativeLift,
    double[]? RelativeLiftCi,
    bool Significant,
    EffectSizeDocument EffectSize,
    BayesianDocument Bayesian,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SequentialDocument? Sequential);

/// <summary><c>{ "cohens_h" }</c> for binary metrics, <c>{ "cohens_d" }</c> otherwise.</summary>
public sealed record EffectSizeDocument(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CohensH,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CohensD);

/// <summary>Posterior probability that the variant beats the baseline and the expected loss of choosing it (direction-aware).</summary>
public sealed record BayesianDocument(double? ProbBeatBaseline, double? ExpectedLoss);

/// <summary>Always-valid p-value and confidence sequence of the difference.</summary>
public sealed record SequentialDocument(double? PValue, double[]? DifferenceCi);

/// <summary>Omnibus test with ≥ 3 variants: <c>chi_square</c> (binary) or <c>welch_anova</c> (df = numerator df, df2 = denominator df).</summary>
public sealed record OmnibusDocument(
    string Test,
    double? Statistic,
    double? Df,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Df2,
    double? PValue);

/// <summary>Units per variant the decision metric needs for the hypothesis' MDE, and the progress towards it (0..1).</summary>
public sealed record PowerDocument(long? UnitsPerVariantNeeded, double? Progress);

/// <summary>Bandit diagnostics.</summary>
public sealed record BanditDocument(
    string Algorithm,
    string Metric,
    Dictionary<string, double> Weights,
    Dictionary<string, double>? ProbBest,
    Dictionary<string, long> Units,
    double? CumulativeRegret,
    IReadOnlyList<BanditHistoryPoint> History);

/// <summary>Weights in force from time <paramref name="T"/>.</summary>
public sealed record BanditHistoryPoint(string T, Dictionary<string, double> Weights);

/// <summary>
/// The decision: <c>keep_running</c> | <c>ship</c> (with <paramref name="Variant"/>) | <c>no_effect</c> |
/// <c>investigate_srm</c> | <c>guardrail_harm</c> (with the harming <paramref name="Variant"/>).
/// </summary>
public sealed record RecommendationDocument(
    string Decision,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variant,
    string Reason);

/// <summary>Cumulative time series of one metric (<c>GET /experiments/{experiment}/timeseries</c>).</summary>
public sealed record TimeseriesDocument(string Experiment, string Metric, string Granularity, IReadOnlyList<TimeseriesPoint> Points);

/// <summary>State at the end of the period starting at <paramref name="T"/> (RFC 3339).</summary>
public sealed record TimeseriesPoint(string T, IReadOnlyList<TimeseriesVariant> Variants, IReadOnlyList<TimeseriesComparison> Comparisons);

/// <summary>Cumulative units and mean of a variant.</summary>
public sealed record TimeseriesVariant(string Variant, long Units, double Mean);

/// <summary>Cumulative comparison with the control.</summary>
public sealed record TimeseriesComparison(string Variant, double? RelativeLift, double[]? RelativeLiftCi, double? PValue);

/// <summary>Body of <c>POST /stats/sample-size</c>; every field optional on the wire (validated by <see cref="SampleSizeCalculator"/>).</summary>
public sealed record SampleSizeRequest(
    string? Kind = null,
    double? BaselineMean = null,
    double? Mde = null,
    bool? MdeRelative = null,
    double? BaselineSd = null,
    double? Alpha = null,
    double? Power = null,
    int? Variants = null);

/// <summary>Result of <c>POST /stats/sample-size</c>.</summary>
public sealed record SampleSizeResponse(long UnitsPerVariant, long TotalUnits);

/// <summary>System.Text.Json source-generated metadata for the analysis documents (snake_case names).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AnalysisDocument))]
[JsonSerializable(typeof(TimeseriesDocument))]
[JsonSerializable(typeof(SampleSizeRequest))]
[JsonSerializable(typeof(SampleSizeResponse))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
public sealed partial class AnalysisJsonContext : JsonSerializerContext;
