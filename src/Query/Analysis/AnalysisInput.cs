using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query.Analysis;

/// <summary>A metric as the analysis sees it.</summary>
public sealed record AnalysisMetric(string Name, MetricKind Kind, MetricRole Role, MetricDirection Direction);

/// <summary>The experiment's hypothesis (API.md <c>hypothesis</c>): minimum detectable effect, α and power.</summary>
/// <param name="Mde">Minimum detectable effect of the decision metric; null or 0 = no sample-size target.</param>
/// <param name="MdeRelative">True when <paramref name="Mde"/> is relative to the control mean.</param>
/// <param name="Alpha">Significance level.</param>
/// <param name="Power">Target power.</param>
public sealed record AnalysisHypothesis(double? Mde, bool MdeRelative = false, double Alpha = 0.05, double Power = 0.8);

/// <summary>Allocation weights at one moment (one entry per variant, in variant order).</summary>
public sealed record BanditWeightsAt(DateTimeOffset At, IReadOnlyList<double> Weights);

/// <summary>What the bandit updater knows: its policy, current weights, their history and its last diagnostics.</summary>
/// <param name="Algorithm">Policy.</param>
/// <param name="Metric">Name of the metric it optimizes.</param>
/// <param name="CurrentWeights">Weights now in force, per variant.</param>
/// <param name="History">Earlier weight vectors, oldest first.</param>
/// <param name="ProbabilityBest">P(arm is best) per variant from the last update, when known.</param>
/// <param name="CumulativeRegret">Regret estimate from the last update; recomputed from the moments when null.</param>
public sealed record BanditState(
    BanditAlgorithm Algorithm,
    string Metric,
    IReadOnlyList<double> CurrentWeights,
    IReadOnlyList<BanditWeightsAt> History,
    IReadOnlyList<double>? ProbabilityBest = null,
    double? CumulativeRegret = null);

/// <summary>Everything <see cref="AnalysisBuilder"/> needs about one experiment: definition and moment sums.</summary>
public sealed class AnalysisInput
{
    /// <summary>Experiment key (the document's <c>experiment</c>).</summary>
    public required string ExperimentKey { get; init; }

    /// <summary>Lifecycle status on the wire (<c>draft</c>, <c>running</c>, ...).</summary>
    public required string Status { get; init; }

    /// <summary>Variant keys in definition order.</summary>
    public required IReadOnlyList<string> VariantKeys { get; init; }

    /// <summary>Expected traffic share per variant (normalized weights).</summary>
    public required IReadOnlyList<double> ExpectedShares { get; init; }

    /// <summary>Index of the control in <see cref="VariantKeys"/>.</summary>
    public int ControlIndex { get; init; }

    /// <summary>Metrics in definition order.</summary>
    public required IReadOnlyList<AnalysisMetric> Metrics { get; init; }

    /// <summary>Moment sums: [variant, metric].</summary>
    public required VariantMoments[,] Moments { get; init; }

    /// <summary>Exposed units per variant (the SRM's observed counts).</summary>
    public required IReadOnlyList<long> ExposedUnits { get; init; }

    /// <summary>Hypothesis (MDE, α, power).</summary>
    public AnalysisHypothesis Hypothesis { get; init; } = new(null);

    /// <summary>Analysis settings (the catalog's record: engine, sequential, tuning N*, correction).</summary>
    public AnalysisSettings Settings { get; init; } = new(AnalysisEngineKind.Frequentist, false, 5000, CorrectionMethod.Holm);

    /// <summary>Bandit state when the experiment is a bandit.</summary>
    public BanditState? Bandit { get; init; }
}

/// <summary>Query-string overrides of the analysis settings (<c>?alpha=&amp;engine=&amp;sequential=&amp;correction=</c>).</summary>
public sealed record AnalysisOverrides(double? Alpha = null, AnalysisEngineKind? Engine = null, bool? Sequential = null, CorrectionMethod? Correction = null)
{
    /// <summary>
    /// Parses the query-string values (each may be null/empty = not overridden). Returns false with
    /// field → message errors for invalid values.
    /// </summary>
    public static bool TryParse(string? alpha, string? engine, string? sequential, string? correction, out AnalysisOverrides overrides, out Dictionary<string, string[]> errors)
    {
        errors = [];
        double? a = null;
        if (!string.IsNullOrEmpty(alpha))
        {
            if (double.TryParse(alpha, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && v is > 0 and < 1)
            {
                a = v;
            }
            else
            {
                errors["alpha"] = ["alpha must be a number in (0, 1)"];
            }
        }

        AnalysisEngineKind? e = null;
        if (!string.IsNullOrEmpty(engine))
        {
            if (AnalysisWire.TryParseEngine(engine, out var parsed))
            {
                e = parsed;
            }
            else
            {
                errors["engine"] = ["engine must be 'frequentist' or 'bayesian'"];
            }
        }

        bool? s = null;
        if (!string.IsNullOrEmpty(sequential))
        {
            if (bool.TryParse(sequential, out bool b))
            {
                s = b;
            }
            else if (sequential is "1" or "0")
            {
                s = sequential == "1";
            }
            else
            {
                errors["sequential"] = ["sequential must be 'true' or 'false'"];
            }
        }

        CorrectionMethod? c = null;
        if (!string.IsNullOrEmpty(correction))
        {
            if (AnalysisWire.TryParseCorrection(correction, out var parsed))
            {
                c = parsed;
            }
            else
            {
                errors["correction"] = ["correction must be 'holm', 'benjamini_hochberg' or 'none'"];
            }
        }

        overrides = new AnalysisOverrides(a, e, s, c);
        return errors.Count == 0;
    }
}

/// <summary>Builds <see cref="AnalysisInput"/> from the catalog's compiled experiment and the engine's moment sums.</summary>
public static class AnalysisInputs
{
    /// <summary>The analysis input of <paramref name="experiment"/> with the sums in <paramref name="moments"/>.</summary>
    public static AnalysisInput From(CompiledExperiment experiment, Storage.Engine.MomentSnapshot moments, BanditState? bandit = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(moments);
        var def = experiment.Definition;
        int k = def.Variants.Count, m = def.Metrics.Count;
        var keys = new string[k];
        var shares = new double[k];
        var units = new long[k];
        var cells = new VariantMoments[k, m];
        for (int v = 0; v < k; v++)
        {
            keys[v] = def.Variants[v].Key;
            shares[v] = def.Variants[v].Weight;
            units[v] = v < moments.Variants ? moments.Units(v) : 0;
            for (int j = 0; j < m; j++)
            {
                cells[v, j] = v < moments.Variants && j < moments.Metrics ? moments[v, j] : default;
            }
        }

        var metrics = new AnalysisMetric[m];
        for (int j = 0; j < m; j++)
        {
            var md = def.Metrics[j];
            metrics[j] = new AnalysisMetric(md.Name, md.Kind, md.Role, md.Direction);
        }

        var h = def.Hypothesis;
        return new AnalysisInput
        {
            ExperimentKey = experiment.Key,
            Status = CatalogNames.ToWire(experiment.Status),
            VariantKeys = keys,
            ExpectedShares = shares,
            ControlIndex = def.ControlIndex,
            Metrics = metrics,
            Moments = cells,
            ExposedUnits = units,
            Hypothesis = new AnalysisHypothesis(h.Mde, h.MdeRelative, h.Alpha, h.Power),
            Settings = def.Analysis,
            Bandit = bandit,
        };
    }
}
