namespace Expothesis.Fast.Stats.Tests;

public sealed class MetricAnalyzerTests
{
    [Fact]
    public void Binary_metric_analysis_combines_the_reference_numbers()
    {
        VariantMoments[] v = [new(1000, 100, 100), new(1000, 130, 130)];
        var r = MetricAnalyzer.Analyze(MetricType.Binary, v, new AnalysisOptions());
        Approx.Equal(Reference.Wilson_100_1000_Lo, r.Variants[0].Ci!.Value.Lower);
        var c = Assert.Single(r.Comparisons);
        Assert.Equal(ComparisonTest.TwoProportionZ, c.Test);
        Approx.Equal(Reference.Z_A_Stat, c.Statistic);
        Approx.Equal(Reference.Z_A_P, c.PValue);
        Approx.Equal(Reference.Z_A_P, c.PValueAdjusted);
        Approx.Equal(Reference.Z_A_CiLo, c.DifferenceCi!.Value.Lower);
        Approx.Equal(0.3, c.RelativeLift);
        Approx.Equal(Reference.Beta_A_P, c.ProbBeatBaseline, Approx.Numerical);
        Approx.Equal(Reference.Beta_A_Loss, c.ExpectedLoss, Approx.Numerical);
        Assert.True(c.Significant);
        Assert.NotNull(c.CohensH);
        Assert.Null(c.CohensD);
        Assert.Null(c.Sequential);
        Assert.Null(r.Omnibus);
    }

    [Fact]
    public void Three_continuous_variants_get_welch_tests_holm_adjustment_and_welch_anova()
    {
        VariantMoments[] v = [Reference.CountA, Reference.CountB, Reference.CountC];
        var r = MetricAnalyzer.Analyze(MetricType.Continuous, v, new AnalysisOptions(Correction: CorrectionMethod.Holm));
        Assert.Equal(2, r.Comparisons.Count);
        Approx.Equal(Reference.Welch_Count_P, r.Comparisons[0].PValue);
        double p1 = r.Comparisons[0].PValue!.Value, p2 = r.Comparisons[1].PValue!.Value;
        var expected = new double[2];
        MultipleComparisons.Adjust([p1, p2], expected, CorrectionMethod.Holm);
        Approx.Equal(expected[0], r.Comparisons[0].PValueAdjusted);
        Approx.Equal(expected[1], r.Comparisons[1].PValueAdjusted);
        Assert.Equal(OmnibusKind.WelchAnova, r.Omnibus!.Test);
        Approx.Equal(Reference.Anova_P, r.Omnibus.PValue);
        Approx.Equal(Reference.CohenD_Count, r.Comparisons[0].CohensD);
    }

    [Fact]
    public void Sequential_mode_decides_significance_on_the_sequential_p_value()
    {
        VariantMoments[] v = [Reference.CountA, Reference.CountB];
        var fixedHorizon = MetricAnalyzer.Analyze(MetricType.Continuous, v, new AnalysisOptions());
        var sequential = MetricAnalyzer.Analyze(MetricType.Continuous, v, new AnalysisOptions(Sequential: true));
        Assert.True(fixedHorizon.Comparisons[0].Significant);
        Assert.False(sequential.Comparisons[0].Significant);
        Approx.Equal(Reference.Seq_Count_P, sequential.Comparisons[0].Sequential!.Value.PValue);
    }

    [Fact]
    public void Lower_is_better_flips_the_posterior_probability_and_loss()
    {
        VariantMoments[] v = [Reference.CountA, Reference.CountB];
        var up = MetricAnalyzer.Analyze(MetricType.Continuous, v, new AnalysisOptions()).Comparisons[0];
        var down = MetricAnalyzer.Analyze(MetricType.Continuous, v, new AnalysisOptions(HigherIsBetter: false)).Comparisons[0];
        Approx.Equal(1 - up.ProbBeatBaseline!.Value, down.ProbBeatBaseline);
        Assert.True(down.ExpectedLoss > up.ExpectedLoss);
        Approx.Equal(up.Difference, down.ExpectedLoss!.Value - up.ExpectedLoss!.Value, 1e-9);
    }
}
