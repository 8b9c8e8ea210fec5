using Expothesis.Fast.Assignment;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>A validated experiment definition: every default applied, weights normalized, enums parsed.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Description">Free text (may be empty).</param>
/// <param name="Hypothesis">Hypothesis and power settings.</param>
/// <param name="Variants">2–16 variants; index = variant ordinal.</param>
/// <param name="ControlIndex">Index of the control variant.</param>
/// <param name="Metrics">1–32 metrics; index = metric ordinal.</param>
/// <param name="Assignment">The assignment section as the assignment compiler takes it.</param>
/// <param name="Analysis">Analysis settings.</param>
/// <param name="Bandit">Bandit settings, or null for a fixed split.</param>
public sealed record ExperimentDefinition(
    string Name,
    string Description,
    HypothesisSettings Hypothesis,
    IReadOnlyList<VariantDefinition> Variants,
    int ControlIndex,
    IReadOnlyList<MetricDefinition> Metrics,
    AssignmentRulesSpec Assignment,
    AnalysisSettings Analysis,
    BanditSettings? Bandit)
{
    /// <summary>Index of the primary metric, or -1 when none is marked primary.</summary>
    public int PrimaryMetricIndex
    {
        get
        {
            for (int i = 0; i < Metrics.Count; i++)
            {
                if (Metrics[i].Role == MetricRole.Primary)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}

/// <summary>One variant.</summary>
/// <param name="Key">Variant key.</param>
/// <param name="Name">Display name.</param>
/// <param name="Weight">Configured weight, normalized so all weights sum to 1.</param>
/// <param name="IsControl">Whether this is the control.</param>
public sealed record VariantDefinition(string Key, string Name, double Weight, bool IsControl);

/// <summary>One metric.</summary>
/// <param name="Name">Metric name.</param>
/// <param name="Kind">How events become the unit's value.</param>
/// <param name="Role">Role in the decision.</param>
/// <param name="Direction">Which way is better.</param>
public sealed record MetricDefinition(string Name, MetricKind Kind, MetricRole Role, MetricDirection Direction);

/// <summary>Hypothesis and power settings.</summary>
/// <param name="Null">The null hypothesis in words.</param>
/// <param name="Alternative">The alternative in words.</param>
/// <param name="Mde">Minimum detectable effect, or null when not set.</param>
/// <param name="MdeRelative">Whether the MDE is relative to the baseline mean.</param>
/// <param name="Alpha">Significance level.</param>
/// <param name="Power">Target power.</param>
public sealed record HypothesisSettings(string? Null, string? Alternative, double? Mde, bool MdeRelative, double Alpha, double Power);

/// <summary>Analysis settings.</summary>
/// <param name="Engine">Deciding engine.</param>
/// <param name="Sequential">Whether sequential (always-valid) results are computed.</param>
/// <param name="SequentialTuning">Mixture tuning of the sequential test.</param>
/// <param name="Correction">Multiple-comparison correction.</param>
public sealed record AnalysisSettings(AnalysisEngineKind Engine, bool Sequential, double SequentialTuning, CorrectionMethod Correction);

/// <summary>Bandit settings.</summary>
/// <param name="Algorithm">Allocation policy.</param>
/// <param name="Metric">Name of the optimized metric.</param>
/// <param name="MetricIndex">Ordinal of the optimized metric.</param>
/// <param name="Epsilon">Exploration share for ε-greedy.</param>
/// <param name="MinUnitsPerArm">Units per arm before weights move.</param>
/// <param name="UpdateIntervalS">Seconds between weight updates.</param>
public sealed record BanditSettings(BanditAlgorithm Algorithm, string Metric, int MetricIndex, double Epsilon, int MinUnitsPerArm, double UpdateIntervalS);
