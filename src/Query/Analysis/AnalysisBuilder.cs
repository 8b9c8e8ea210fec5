using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query.Analysis;

/// <summary>
/// Builds the analysis document of an experiment (API.md "Analysis") from its definition and moment sums:
/// SRM, every metric's variants/comparisons/omnibus (<see cref="MetricAnalyzer"/>), power, bandit diagnostics
/// and the recommendation (<see cref="AnalysisRecommender"/>). Pure: the same input gives the same document.
/// </summary>
public static class AnalysisBuilder
{
    /// <summary>SRM is flagged when its p-value is below this (GrowthBook, Eppo).</summary>
    public const double SrmThreshold = 0.001;

    /// <summary>Builds the document. <paramref name="overrides"/> replace the experiment's analysis settings.</summary>
    public static AnalysisDocument Build(AnalysisInput input, AnalysisOverrides? overrides, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        int k = input.VariantKeys.Count;
        int metricCount = input.Metrics.Count;
        if (input.Moments.GetLength(0) < k || input.Moments.GetLength(1) < metricCount)
        {
            throw new ArgumentException("Moments must be [variants, metrics]", nameof(input));
        }

        var effective = Effective(input, overrides);
        int control = input.ControlIndex >= 0 && input.ControlIndex < k ? input.ControlIndex : 0;
        var order = new int[k];
        order[0] = control;
        for (int i = 0, o = 1; i < k; i++)
        {
            if (i != control)
            {
                order[o++] = i;
            }
        }

        var srm = Srm(input, k);
        var metrics = new MetricDocument[metricCount];
        var results = new MetricAnalysisResult[metricCount];
        var moments = new VariantMoments[k];
        for (int j = 0; j < metricCount; j++)
        {
            var metric = input.Metrics[j];
            for (int o = 0; o < k; o++)
            {
                moments[o] = input.Moments[order[o], j];
            }

            var type = metric.Kind == MetricKind.Binary ? MetricType.Binary : MetricType.Continuous;
            var options = new AnalysisOptions(effective.Alpha, effective.Correction, effective.Sequential, effective.SequentialTuning, metric.Direction == MetricDirection.Increase);
            results[j] = MetricAnalyzer.Analyze(type, moments, options);
            metrics[j] = ToDocument(metric, results[j], input.VariantKeys, order, effective.Sequential);
        }

        int decisionMetric = DecisionMetric(input.Metrics);
        var power = Power(input, decisionMetric, results, effective.Alpha);
        var bandit = Bandit(input);
        var recommendation = AnalysisRecommender.Recommend(new AnalysisRecommender.Context(
            input.Metrics, results, input.VariantKeys, order, srm.Flagged, srm.PValue, decisionMetric,
            effective.Engine, effective.Sequential, effective.Alpha, power.Progress, power.UnitsPerVariantNeeded));
        return new AnalysisDocument(input.ExperimentKey, input.Status, AnalysisWire.Timestamp(now), srm, metrics, power, bandit, recommendation);
    }

    internal readonly record struct EffectiveSettings(double Alpha, AnalysisEngineKind Engine, bool Sequential, double SequentialTuning, CorrectionMethod Correction);

    internal static EffectiveSettings Effective(AnalysisInput input, AnalysisOverrides? overrides)
    {
        double alpha = overrides?.Alpha ?? input.Hypothesis.Alpha;
        if (!(alpha is > 0 and < 1))
        {
            alpha = 0.05;
        }

        double tuning = input.Settings.SequentialTuning is > 0 and < double.PositiveInfinity ? input.Settings.SequentialTuning : 5000;
        return new EffectiveSettings(
            alpha,
            overrides?.Engine ?? input.Settings.Engine,
            overrides?.Sequential ?? input.Settings.Sequential,
            tuning,
            overrides?.Correction ?? input.Settings.Correction);
    }

    /// <summary>The primary metric, else the first; -1 without metrics.</summary>
    internal static int DecisionMetric(IReadOnlyList<AnalysisMetric> metrics)
    {
        for (int j = 0; j < metrics.Count; j++)
        {
            if (metrics[j].Role == MetricRole.Primary)
            {
                return j;
            }
        }

        return metrics.Count > 0 ? 0 : -1;
    }

    private static SrmDocument Srm(AnalysisInput input, int k)
    {
        var observed = new Dictionary<string, long>(k);
        var expected = new Dictionary<string, double>(k);
        var counts = new long[k];
        var shares = new double[k];
        double shareSum = 0;
        for (int i = 0; i < k; i++)
        {
            counts[i] = i < input.ExposedUnits.Count ? Math.Max(0, input.ExposedUnits[i]) : 0;
            shares[i] = i < input.ExpectedShares.Count && double.IsFinite(input.ExpectedShares[i]) ? Math.Max(0, input.ExpectedShares[i]) : 0;
            shareSum += shares[i];
        }

        for (int i = 0; i < k; i++)
        {
            observed[input.VariantKeys[i]] = counts[i];
            expected[input.VariantKeys[i]] = shareSum > 0 ? shares[i] / shareSum : 0;
        }

        // A bandit moves its weights over time: a test against today's weights would flag every bandit.
        if (input.Bandit is not null || k < 2)
        {
            return new SrmDocument(null, false, observed, expected);
        }

        var test = HypothesisTests.ChiSquareGoodnessOfFit(counts, shares);
        double? p = test.PValue is { } v && double.IsFinite(v) ? v : null;
        return new SrmDocument(p, p < SrmThreshold, observed, expected);
    }

    private static MetricDocument ToDocument(AnalysisMetric metric, MetricAnalysisResult result, IReadOnlyList<string> keys, int[] order, bool sequential)
    {
        var variants = new VariantDocument[order.Length];
        for (int o = 0; o < order.Length; o++)
        {
            var v = result.Variants[o];
            variants[o] = new VariantDocument(keys[order[o]], v.Units, v.Sum, v.Mean, v.Variance, Pair(v.Ci));
        }

        // Variants in definition order, whatever the control's index.
        Array.Sort(order.ToArray(), variants);
        bool binary = result.Type == MetricType.Binary;
        string baseline = keys[order[0]];
        var comparisons = new ComparisonDocument[result.Comparisons.Count];
        for (int c = 0; c < comparisons.Length; c++)
        {
            var r = result.Comparisons[c];
            comparisons[c] = new ComparisonDocument(
                keys[order[r.Variant]],
                baseline,
                binary ? "two_proportion_z" : "welch_t",
                r.Statistic,
                r.Df,
                r.PValue,
                r.PValueAdjusted,
                r.Difference,
                Pair(r.DifferenceCi),
                r.RelativeLift,
                Pair(r.RelativeLiftCi),
                r.Significant,
                new EffectSizeDocument(binary ? r.CohensH : null, binary ? null : r.CohensD),
                new BayesianDocument(r.ProbBeatBaseline, r.ExpectedLoss),
                sequential ? new SequentialDocument(r.Sequential?.PValue, r.Sequential is { } s ? [s.DifferenceCi.Lower, s.DifferenceCi.Upper] : null) : null);
        }

        OmnibusDocument? omnibus = result.Omnibus is { } om
            ? new OmnibusDocument(om.Test == OmnibusKind.ChiSquare ? "chi_square" : "welch_anova", om.Statistic, om.Df, om.Df2, om.PValue)
            : null;
        return new MetricDocument(metric.Name, AnalysisWire.Kind(metric.Kind), AnalysisWire.Role(metric.Role), AnalysisWire.Direction(metric.Direction), variants, comparisons, omnibus);
    }

    private static PowerDocument Power(AnalysisInput input, int decisionMetric, MetricAnalysisResult[] results, double alpha)
    {
        var h = input.Hypothesis;
        if (decisionMetric < 0 || h.Mde is not { } mde || !(Math.Abs(mde) > 0) || !double.IsFinite(mde))
        {
            return new PowerDocument(null, null);
        }

        var result = results[decisionMetric];
        var control = result.Variants[0];
        if (control.Units < 2)
        {
            return new PowerDocument(null, null);
        }

        double baseline = control.Mean;
        double delta = Math.Abs(h.MdeRelative ? mde * baseline : mde);
        double power = h.Power is > 0 and < 1 ? h.Power : 0.8;
        long? needed;
        if (result.Type == MetricType.Binary)
        {
            bool decrease = input.Metrics[decisionMetric].Direction == MetricDirection.Decrease;
            double target = decrease ? baseline - delta : baseline + delta;
            if (target is < 0 or > 1)
            {
                target = decrease ? baseline + delta : baseline - delta;
            }

            needed = SampleSize.Binary(baseline, Math.Clamp(target, 0, 1), alpha, power);
        }
        else
        {
            needed = SampleSize.Continuous(delta, Math.Sqrt(control.Variance), alpha, power);
        }

        if (needed is not { } n || n <= 0)
        {
            return new PowerDocument(null, null);
        }

        long smallest = long.MaxValue;
        foreach (var v in result.Variants)
        {
            smallest = Math.Min(smallest, v.Units);
        }

        return new PowerDocument(n, Math.Clamp((double)smallest / n, 0, 1));
    }

    private static BanditDocument? Bandit(AnalysisInput input)
    {
        if (input.Bandit is not { } state)
        {
            return null;
        }

        int k = input.VariantKeys.Count;
        int metric = -1;
        for (int j = 0; j < input.Metrics.Count; j++)
        {
            if (string.Equals(input.Metrics[j].Name, state.Metric, StringComparison.Ordinal))
            {
                metric = j;
                break;
            }
        }

        var weights = new Dictionary<string, double>(k);
        var units = new Dictionary<string, long>(k);
        var arms = new VariantMoments[k];
        for (int i = 0; i < k; i++)
        {
            weights[input.VariantKeys[i]] = i < state.CurrentWeights.Count && double.IsFinite(state.CurrentWeights[i]) ? state.CurrentWeights[i] : 0;
            arms[i] = metric >= 0 ? input.Moments[i, metric] : default;
            units[input.VariantKeys[i]] = metric >= 0 ? arms[i].N : (i < input.ExposedUnits.Count ? input.ExposedUnits[i] : 0);
        }

        Dictionary<string, double>? probBest = null;
        double? regret = state.CumulativeRegret is { } r && double.IsFinite(r) ? r : null;
        if (metric >= 0)
        {
            bool binary = input.Metrics[metric].Kind == MetricKind.Binary;
            bool higher = input.Metrics[metric].Direction == MetricDirection.Increase;
            var p = new double[k];
            if (state.ProbabilityBest is { } known && known.Count == k)
            {
                for (int i = 0; i < k; i++)
                {
                    p[i] = known[i];
                }
            }
            else
            {
                BanditAllocator.ProbabilityBest(arms, binary, higher, 10_000, 0x5EED, p);
            }

            probBest = new Dictionary<string, double>(k);
            for (int i = 0; i < k; i++)
            {
                probBest[input.VariantKeys[i]] = double.IsFinite(p[i]) ? p[i] : 0;
            }

            regret ??= BanditAllocator.CumulativeRegret(arms, binary, higher);
        }

        var history = new List<BanditHistoryPoint>(state.History.Count);
        foreach (var h in state.History)
        {
            var w = new Dictionary<string, double>(k);
            for (int i = 0; i < k; i++)
            {
                w[input.VariantKeys[i]] = i < h.Weights.Count && double.IsFinite(h.Weights[i]) ? h.Weights[i] : 0;
            }

            history.Add(new BanditHistoryPoint(AnalysisWire.Timestamp(h.At), w));
        }

        return new BanditDocument(AnalysisWire.Bandit(state.Algorithm), state.Metric, weights, probBest, units, regret, history);
    }

    private static double[]? Pair(Interval? interval) => interval is { } i ? [i.Lower, i.Upper] : null;
}
