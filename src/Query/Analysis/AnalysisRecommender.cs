using System.Globalization;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;

namespace Expothesis.Fast.Query.Analysis;

/// <summary>
/// Turns an analysis into a decision. The rules, applied in this order (the first that matches wins):
/// <list type="number">
/// <item><description><b>No comparison possible</b> (fewer than two variants, or no exposed units at all):
/// <c>keep_running</c>.</description></item>
/// <item><description><b>Sample-ratio mismatch</b>: the SRM chi-square p-value is below 0.001 →
/// <c>investigate_srm</c>. Nothing else is trusted while the split is broken. (Not checked for bandits,
/// whose weights move on purpose.)</description></item>
/// <item><description><b>Guardrail harm</b>: any <c>guardrail</c> metric with a comparison that is significant
/// (adjusted p &lt; α; the sequential p-value when sequential testing is on) <i>and</i> in the bad direction
/// (lower for <c>increase</c>, higher for <c>decrease</c>) → <c>guardrail_harm</c> naming the variant.</description></item>
/// <item><description><b>Decision metric</b> = the <c>primary</c> metric, else the first metric.
/// <list type="bullet">
/// <item><description>Bayesian engine: a variant with P(beat baseline) ≥ 0.95 and expected loss ≤ 1% of the
/// baseline mean (|control mean|) → <c>ship</c> the one with the highest P(beat). Otherwise, once every
/// variant has the units the power calculation asks for (progress ≥ 1) → <c>no_effect</c>; else
/// <c>keep_running</c>.</description></item>
/// <item><description>Frequentist, sequential on: decided at any time on the always-valid p-value.
/// A significant improvement → <c>ship</c> the variant with the largest improvement; otherwise
/// <c>no_effect</c> once progress ≥ 1, else <c>keep_running</c>.</description></item>
/// <item><description>Frequentist, fixed horizon: nothing is decided before progress ≥ 1 (units per variant ≥
/// the sample size for the hypothesis' MDE at α and power; without an MDE the horizon is never reached) →
/// <c>keep_running</c>. At full sample: a significant improvement → <c>ship</c> the variant with the largest
/// improvement; otherwise <c>no_effect</c> (also when a variant is significantly worse: keep the control).</description></item>
/// </list></description></item>
/// </list>
/// </summary>
public static class AnalysisRecommender
{
    /// <summary>Minimum posterior probability of beating the baseline for a Bayesian ship.</summary>
    public const double BayesianShipProbability = 0.95;

    /// <summary>Maximum expected loss, as a fraction of |baseline mean|, for a Bayesian ship.</summary>
    public const double BayesianRelativeLossThreshold = 0.01;

    /// <summary>What the recommender looks at.</summary>
    /// <param name="Metrics">Metric definitions (definition order).</param>
    /// <param name="Results">Analysis per metric (variants in analysis order: control first).</param>
    /// <param name="VariantKeys">Variant keys in definition order.</param>
    /// <param name="Order">Analysis order → definition index.</param>
    /// <param name="SrmFlagged">SRM flagged.</param>
    /// <param name="SrmPValue">SRM p-value.</param>
    /// <param name="DecisionMetric">Index of the decision metric (-1 without metrics).</param>
    /// <param name="Engine">Effective engine.</param>
    /// <param name="Sequential">Effective sequential flag.</param>
    /// <param name="Alpha">Effective α.</param>
    /// <param name="Progress">Power progress (null when unknown).</param>
    /// <param name="UnitsNeeded">Units per variant needed (null when unknown).</param>
    public sealed record Context(
        IReadOnlyList<AnalysisMetric> Metrics,
        IReadOnlyList<MetricAnalysisResult> Results,
        IReadOnlyList<string> VariantKeys,
        IReadOnlyList<int> Order,
        bool SrmFlagged,
        double? SrmPValue,
        int DecisionMetric,
        AnalysisEngineKind Engine,
        bool Sequential,
        double Alpha,
        double? Progress,
        long? UnitsNeeded);

    /// <summary>Applies the rules above.</summary>
    public static RecommendationDocument Recommend(Context context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inv = CultureInfo.InvariantCulture;
        if (context.VariantKeys.Count < 2 || context.DecisionMetric < 0)
        {
            return new RecommendationDocument("keep_running", null, "There is no treatment to compare with the control yet.");
        }

        var decision = context.Results[context.DecisionMetric];
        long total = 0;
        foreach (var v in decision.Variants)
        {
            total += v.Units;
        }

        if (total == 0)
        {
            return new RecommendationDocument("keep_running", null, "No exposed units yet.");
        }

        if (context.SrmFlagged)
        {
            return new RecommendationDocument("investigate_srm", null, string.Format(inv,
                "Sample ratio mismatch: units per variant differ from the configured split (p = {0:G3} < 0.001). Find the cause before trusting any result.", context.SrmPValue ?? 0));
        }

        for (int j = 0; j < context.Metrics.Count; j++)
        {
            if (context.Metrics[j].Role != MetricRole.Guardrail)
            {
                continue;
            }

            bool higherIsBetter = context.Metrics[j].Direction == MetricDirection.Increase;
            foreach (var c in context.Results[j].Comparisons)
            {
                if (c.Significant && IsHarm(c.Difference, higherIsBetter))
                {
                    string variant = context.VariantKeys[context.Order[c.Variant]];
                    return new RecommendationDocument("guardrail_harm", variant, string.Format(inv,
                        "Guardrail '{0}' is significantly worse for '{1}' (relative change {2}, p = {3:G3}).",
                        context.Metrics[j].Name, variant, FormatLift(c.RelativeLift), (context.Sequential ? c.SequentialPValueAdjusted : c.PValueAdjusted) ?? 0));
                }
            }
        }

        var metric = context.Metrics[context.DecisionMetric];
        bool higher = metric.Direction == MetricDirection.Increase;
        bool reached = context.Progress is >= 1;
        string progressText = context.Progress is { } pr
            ? string.Format(inv, "{0:P0} of the {1} units per variant needed", pr, context.UnitsNeeded)
            : "no sample-size target (set hypothesis.mde)";

        if (context.Engine == AnalysisEngineKind.Bayesian)
        {
            double threshold = BayesianRelativeLossThreshold * Math.Abs(decision.Variants[0].Mean);
            ComparisonResult? best = null;
            foreach (var c in decision.Comparisons)
            {
                if (c.ProbBeatBaseline >= BayesianShipProbability && c.ExpectedLoss <= threshold && (best is null || c.ProbBeatBaseline > best.ProbBeatBaseline))
                {
                    best = c;
                }
            }

            if (best is not null)
            {
                string variant = context.VariantKeys[context.Order[best.Variant]];
                return new RecommendationDocument("ship", variant, string.Format(inv,
                    "'{0}' beats the control on '{1}' with probability {2:P1} and expected loss {3:G3}.", variant, metric.Name, best.ProbBeatBaseline, best.ExpectedLoss));
            }

            return reached
                ? new RecommendationDocument("no_effect", null, string.Format(inv, "At full sample no variant beats the control on '{0}' with probability ≥ 95% and a small expected loss.", metric.Name))
                : new RecommendationDocument("keep_running", null, string.Format(inv, "No variant is confidently better on '{0}' yet ({1}).", metric.Name, progressText));
        }

        if (!context.Sequential && !reached)
        {
            return new RecommendationDocument("keep_running", null, string.Format(inv,
                "Fixed-horizon test: decide at full sample ({0}).", progressText));
        }

        ComparisonResult? winner = null;
        bool anyWorse = false;
        foreach (var c in decision.Comparisons)
        {
            if (!c.Significant)
            {
                continue;
            }

            if (IsHarm(c.Difference, higher))
            {
                anyWorse = true;
            }
            else if (c.Difference != 0 && (winner is null || Improvement(c.Difference, higher) > Improvement(winner.Difference, higher)))
            {
                winner = c;
            }
        }

        if (winner is not null)
        {
            string variant = context.VariantKeys[context.Order[winner.Variant]];
            double? p = context.Sequential ? winner.SequentialPValueAdjusted : winner.PValueAdjusted;
            return new RecommendationDocument("ship", variant, string.Format(inv,
                "'{0}' significantly improves '{1}' (relative lift {2}, {3}p = {4:G3}).", variant, metric.Name, FormatLift(winner.RelativeLift), context.Sequential ? "sequential " : string.Empty, p ?? 0));
        }

        if (reached)
        {
            return new RecommendationDocument("no_effect", null, anyWorse
                ? string.Format(inv, "At full sample no variant improves '{0}'; at least one is significantly worse. Keep the control.", metric.Name)
                : string.Format(inv, "At full sample no variant differs significantly from the control on '{0}'.", metric.Name));
        }

        return new RecommendationDocument("keep_running", null, string.Format(inv,
            "Sequential test: no significant improvement on '{0}' yet ({1}).", metric.Name, progressText));
    }

    private static bool IsHarm(double difference, bool higherIsBetter) => higherIsBetter ? difference < 0 : difference > 0;

    private static double Improvement(double difference, bool higherIsBetter) => higherIsBetter ? difference : -difference;

    private static string FormatLift(double? lift) =>
        lift is { } l ? l.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture) : "n/a";
}
