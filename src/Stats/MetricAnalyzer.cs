using Expothesis.Fast.Stats.Internal;

namespace Expothesis.Fast.Stats;

/// <summary>Statistical family of a metric: binary (proportions) or continuous (count/sum means).</summary>
public enum MetricType : byte
{
    /// <summary>y ∈ {0, 1}: converted at least once.</summary>
    Binary,
    /// <summary>Counts and sums: means compared with Welch's t.</summary>
    Continuous,
}

/// <summary>The two-sample test of a comparison.</summary>
public enum ComparisonTest : byte
{
    /// <summary>Two-proportion z-test (binary).</summary>
    TwoProportionZ,
    /// <summary>Welch's t-test (continuous).</summary>
    WelchT,
}

/// <summary>The omnibus test over all variants (≥ 3).</summary>
public enum OmnibusKind : byte
{
    /// <summary>Chi-square test of independence (binary).</summary>
    ChiSquare,
    /// <summary>Welch's ANOVA (continuous).</summary>
    WelchAnova,
}

/// <summary>Options of a metric analysis.</summary>
/// <param name="Alpha">Significance level (two-sided).</param>
/// <param name="Correction">Multiple-comparison correction over the metric's comparisons.</param>
/// <param name="Sequential">Also compute the always-valid p-value and confidence sequence; significance then uses them.</param>
/// <param name="SequentialTuning">N* of the confidence sequence.</param>
/// <param name="HigherIsBetter">Direction for the Bayesian P(beat) and expected loss.</param>
public sealed record AnalysisOptions(double Alpha = 0.05, CorrectionMethod Correction = CorrectionMethod.Holm, bool Sequential = false, double SequentialTuning = 5000, bool HigherIsBetter = true);

/// <summary>Per-variant summary: units, Σy, mean, sample variance and the CI of the mean (Wilson or t).</summary>
public sealed record VariantSummary(long Units, double Sum, double Mean, double Variance, Interval? Ci);

/// <summary>Comparison of variant <paramref name="Variant"/> with the control (index 0 of the input).</summary>
/// <param name="Variant">Index of the treatment in the analyzed span.</param>
/// <param name="Test">Two-sample test used.</param>
/// <param name="Statistic">z or t.</param>
/// <param name="Df">Welch–Satterthwaite df (null for z).</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="PValueAdjusted">p after the correction across the metric's comparisons.</param>
/// <param name="Difference">Treatment − control means.</param>
/// <param name="DifferenceCi">CI of the difference (unpooled SE).</param>
/// <param name="RelativeLift">μB/μA − 1.</param>
/// <param name="RelativeLiftCi">Delta-method CI of the lift.</param>
/// <param name="Significant">Adjusted (sequential, when enabled) p-value &lt; α.</param>
/// <param name="CohensH">Binary effect size.</param>
/// <param name="CohensD">Continuous effect size.</param>
/// <param name="ProbBeatBaseline">Posterior probability the treatment is better (direction-aware).</param>
/// <param name="ExpectedLoss">Posterior expected loss of choosing the treatment (direction-aware).</param>
/// <param name="Sequential">Always-valid p-value and CI when enabled.</param>
/// <param name="SequentialPValueAdjusted">Sequential p after the correction.</param>
public sealed record ComparisonResult(
    int Variant,
    ComparisonTest Test,
    double? Statistic,
    double? Df,
    double? PValue,
    double? PValueAdjusted,
    double Difference,
    Interval? DifferenceCi,
    double? RelativeLift,
    Interval? RelativeLiftCi,
    bool Significant,
    double? CohensH,
    double? CohensD,
    double? ProbBeatBaseline,
    double? ExpectedLoss,
    SequentialResult? Sequential,
    double? SequentialPValueAdjusted);

/// <summary>Omnibus test over all variants.</summary>
public sealed record OmnibusResult(OmnibusKind Test, double? Statistic, double? Df, double? Df2, double? PValue);

/// <summary>Everything computed for one metric.</summary>
public sealed record MetricAnalysisResult(MetricType Type, IReadOnlyList<VariantSummary> Variants, IReadOnlyList<ComparisonResult> Comparisons, OmnibusResult? Omnibus);

/// <summary>
/// Analyzes one metric of an experiment from its per-variant moments (index 0 = control): per-variant CIs,
/// each treatment against the control (test, CI, lift, effect size, Bayesian and sequential numbers),
/// the correction across comparisons, and the omnibus test with ≥ 3 variants. Never throws on degenerate data
/// and never returns NaN: undefined numbers are null.
/// </summary>
public static class MetricAnalyzer
{
    /// <summary>Analyzes one metric.</summary>
    public static MetricAnalysisResult Analyze(MetricType type, ReadOnlySpan<VariantMoments> variants, AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        double alpha = options.Alpha is > 0 and < 1 ? options.Alpha : 0.05;
        double tuning = options.SequentialTuning > 0 && double.IsFinite(options.SequentialTuning) ? options.SequentialTuning : 5000;
        bool binary = type == MetricType.Binary;
        int k = variants.Length;
        var summaries = new VariantSummary[k];
        for (int i = 0; i < k; i++)
        {
            var v = Sanitize(variants[i], binary);
            summaries[i] = new VariantSummary(
                v.N,
                v.S1,
                v.Mean,
                v.Variance,
                binary ? ConfidenceIntervals.Wilson(v.S1, v.N, alpha) : ConfidenceIntervals.TMean(v, alpha));
        }

        int m = Math.Max(0, k - 1);
        if (m == 0)
        {
            return new MetricAnalysisResult(type, summaries, [], null);
        }

        var control = Sanitize(variants[0], binary);
        Span<double> p = m <= 32 ? stackalloc double[m] : new double[m];
        Span<double> pSeq = m <= 32 ? stackalloc double[m] : new double[m];
        var tests = new TwoSampleTest[m];
        var seq = new SequentialResult?[m];
        for (int j = 0; j < m; j++)
        {
            var t = Sanitize(variants[j + 1], binary);
            tests[j] = binary ? HypothesisTests.TwoProportionZ(control, t, alpha) : HypothesisTests.WelchT(control, t, alpha);
            p[j] = tests[j].PValue ?? double.NaN;
            seq[j] = options.Sequential && tests[j].PValue is not null
                ? SequentialTest.Compute(tests[j].Difference, tests[j].StandardError, control.N + t.N, alpha, tuning)
                : null;
            pSeq[j] = seq[j]?.PValue ?? double.NaN;
        }

        MultipleComparisons.Adjust(p, p, options.Correction);
        MultipleComparisons.Adjust(pSeq, pSeq, options.Correction);
        var comparisons = new ComparisonResult[m];
        for (int j = 0; j < m; j++)
        {
            var t = Sanitize(variants[j + 1], binary);
            var test = tests[j];
            double? adjusted = Distributions.Finite(p[j]);
            double? seqAdjusted = Distributions.Finite(pSeq[j]);
            bool significant = options.Sequential ? seqAdjusted < alpha : adjusted < alpha;

            double varA = binary ? BinaryVariance(control) : control.Variance;
            double varB = binary ? BinaryVariance(t) : t.Variance;
            var lift = RelativeLift.DeltaMethod(control.Mean, varA, control.N, t.Mean, varB, t.N, alpha);

            double? h = null, d = null;
            if (binary)
            {
                h = control.N > 0 && t.N > 0 ? EffectSizes.CohensH(control.Mean, t.Mean) : null;
            }
            else
            {
                d = EffectSizes.CohensD(control, t);
            }

            BayesianResult? bayes = null;
            if (binary)
            {
                bayes = BayesianComparison.Beta(control.S1, control.N, t.S1, t.N);
            }
            else if (control.N >= 2 && t.N >= 2)
            {
                bayes = BayesianComparison.Normal(test.Difference, test.StandardError);
            }

            if (bayes is { } b && !options.HigherIsBetter)
            {
                bayes = b.ForLowerIsBetter();
            }

            comparisons[j] = new ComparisonResult(
                j + 1,
                binary ? ComparisonTest.TwoProportionZ : ComparisonTest.WelchT,
                Finite(test.Statistic),
                Finite(test.Df),
                Finite(test.PValue),
                adjusted,
                double.IsFinite(test.Difference) ? test.Difference : 0,
                FiniteInterval(test.DifferenceCi),
                lift is { } l ? Distributions.Finite(l.Lift) : null,
                lift is { } l2 ? FiniteInterval(l2.Ci) : null,
                significant,
                Finite(h),
                Finite(d),
                bayes is { } b1 ? Distributions.Finite(b1.ProbBeat) : null,
                bayes is { } b2 ? Distributions.Finite(b2.ExpectedLoss) : null,
                seq[j] is { } s && double.IsFinite(s.PValue) && double.IsFinite(s.HalfWidth) ? s : null,
                options.Sequential ? seqAdjusted : null);
        }

        OmnibusResult? omnibus = null;
        if (k >= 3)
        {
            Span<VariantMoments> clean = k <= 32 ? stackalloc VariantMoments[k] : new VariantMoments[k];
            for (int i = 0; i < k; i++)
            {
                clean[i] = Sanitize(variants[i], binary);
            }

            var o = binary ? HypothesisTests.ChiSquareIndependence(clean) : HypothesisTests.WelchAnova(clean);
            omnibus = new OmnibusResult(binary ? OmnibusKind.ChiSquare : OmnibusKind.WelchAnova, Finite(o.Statistic), Finite(o.Df), Finite(o.Df2), Finite(o.PValue));
        }

        return new MetricAnalysisResult(type, summaries, comparisons, omnibus);
    }

    private static double BinaryVariance(VariantMoments v)
    {
        double p = v.Mean;
        return p * (1 - p);
    }

    /// <summary>Replaces non-finite or negative inputs by an empty variant; clamps binary successes to [0, N].</summary>
    private static VariantMoments Sanitize(VariantMoments v, bool binary)
    {
        if (v.N <= 0 || !double.IsFinite(v.S1) || !double.IsFinite(v.S2))
        {
            return new VariantMoments(Math.Max(0, v.N), 0, 0);
        }

        if (binary)
        {
            double x = Math.Clamp(Math.Round(v.S1), 0, v.N);
            return new VariantMoments(v.N, x, x);
        }

        return v;
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static Interval? FiniteInterval(Interval? value) =>
        value is { } i && double.IsFinite(i.Lower) && double.IsFinite(i.Upper) ? i : null;
}
