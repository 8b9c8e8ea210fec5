namespace Expothesis.Fast.Stats.Tests;

public sealed class ReferenceTests
{
    [Theory]
    [InlineData(100, 1000, 0.05, Reference.Wilson_100_1000_Lo, Reference.Wilson_100_1000_Hi)]
    [InlineData(0, 50, 0.05, Reference.Wilson_0_50_Lo, Reference.Wilson_0_50_Hi)]
    [InlineData(50, 50, 0.05, Reference.Wilson_50_50_Lo, Reference.Wilson_50_50_Hi)]
    [InlineData(7, 13, 0.1, Reference.Wilson_7_13_a10_Lo, Reference.Wilson_7_13_a10_Hi)]
    public void Wilson_interval_matches_statsmodels(double x, long n, double alpha, double lo, double hi)
    {
        var ci = ConfidenceIntervals.Wilson(x, n, alpha);
        Assert.NotNull(ci);
        Approx.Equal(lo, ci.Value.Lower);
        Approx.Equal(hi, ci.Value.Upper);
    }

    [Fact]
    public void Wilson_interval_of_100_in_1000_matches_the_public_check_value()
    {
        var ci = ConfidenceIntervals.Wilson(100, 1000, 0.05)!.Value;
        Assert.Equal(0.0829094, ci.Lower, 7);
        Assert.Equal(0.1201520, ci.Upper, 7);
    }

    [Fact]
    public void T_interval_on_the_mean_matches_scipy()
    {
        var ci = ConfidenceIntervals.TMean(Reference.SumA, 0.05)!.Value;
        Approx.Equal(Reference.TMean_SumA_Lo, ci.Lower);
        Approx.Equal(Reference.TMean_SumA_Hi, ci.Upper);
    }

    [Theory]
    [InlineData(100, 1000, 130, 1000, Reference.Z_A_Stat, Reference.Z_A_P, Reference.Z_A_CiLo, Reference.Z_A_CiHi)]
    [InlineData(5, 200, 12, 210, Reference.Z_B_Stat, Reference.Z_B_P, Reference.Z_B_CiLo, Reference.Z_B_CiHi)]
    [InlineData(0, 10, 3, 10, Reference.Z_C_Stat, Reference.Z_C_P, Reference.Z_C_CiLo, Reference.Z_C_CiHi)]
    public void Two_proportion_z_test_matches_statsmodels(long xa, long na, long xb, long nb, double z, double p, double lo, double hi)
    {
        var r = HypothesisTests.TwoProportionZ(new VariantMoments(na, xa, xa), new VariantMoments(nb, xb, xb), 0.05);
        Approx.Equal(z, r.Statistic);
        Approx.Equal(p, r.PValue);
        Approx.Equal(lo, r.DifferenceCi!.Value.Lower);
        Approx.Equal(hi, r.DifferenceCi!.Value.Upper);
        Assert.Null(r.Df);
    }

    [Fact]
    public void Two_proportion_z_test_matches_the_public_check_values()
    {
        var r = HypothesisTests.TwoProportionZ(new VariantMoments(1000, 100, 100), new VariantMoments(1000, 130, 130), 0.05);
        Assert.Equal(2.10274, r.Statistic!.Value, 5);
        Assert.Equal(0.0354885, r.PValue!.Value, 7);
    }

    [Fact]
    public void Chi_square_of_independence_matches_scipy_without_continuity_correction()
    {
        var two = HypothesisTests.ChiSquareIndependence([new VariantMoments(1000, 100, 100), new VariantMoments(1000, 130, 130)]);
        Approx.Equal(Reference.Chi_2x2_Stat, two.Statistic);
        Approx.Equal(Reference.Chi_2x2_P, two.PValue);
        Assert.Equal(4.42152, two.Statistic!.Value, 5);
        var three = HypothesisTests.ChiSquareIndependence([new VariantMoments(1000, 100, 100), new VariantMoments(1000, 130, 130), new VariantMoments(1023, 118, 118)]);
        Approx.Equal(Reference.Chi_2x3_Stat, three.Statistic);
        Approx.Equal(Reference.Chi_2x3_P, three.PValue);
        Assert.Equal(2, three.Df);
    }

    [Theory]
    [InlineData(new long[] { 1000, 1060 }, new double[] { 0.5, 0.5 }, Reference.Srm_2_Stat, Reference.Srm_2_P)]
    [InlineData(new long[] { 500, 260, 240 }, new double[] { 0.5, 0.25, 0.25 }, Reference.Srm_3_Stat, Reference.Srm_3_P)]
    [InlineData(new long[] { 5200, 4800 }, new double[] { 1, 1 }, Reference.Srm_skew_Stat, Reference.Srm_skew_P)]
    public void Srm_goodness_of_fit_matches_scipy_chisquare(long[] observed, double[] shares, double stat, double p)
    {
        var r = HypothesisTests.ChiSquareGoodnessOfFit(observed, shares);
        Approx.Equal(stat, r.Statistic);
        Approx.Equal(p, r.PValue);
    }

    [Fact]
    public void Srm_matches_the_public_check_values()
    {
        var r = HypothesisTests.ChiSquareGoodnessOfFit([1000L, 1060L], [0.5, 0.5]);
        Assert.Equal(1.74757, r.Statistic!.Value, 5);
        Assert.Equal(0.186182, r.PValue!.Value, 6);
    }

    [Fact]
    public void Holm_and_Benjamini_Hochberg_match_statsmodels_multipletests()
    {
        double[] p = [0.01, 0.04, 0.03, 0.2];
        var holm = new double[4];
        var bh = new double[4];
        MultipleComparisons.Adjust(p, holm, CorrectionMethod.Holm);
        MultipleComparisons.Adjust(p, bh, CorrectionMethod.BenjaminiHochberg);
        for (int i = 0; i < 4; i++)
        {
            Approx.Equal(Reference.Holm_4[i], holm[i]);
            Approx.Equal(Reference.Bh_4[i], bh[i]);
        }
    }

    [Fact]
    public void Missing_p_values_are_left_out_of_the_correction_family()
    {
        double[] p = [0.01, double.NaN, 0.04];
        var adj = new double[3];
        MultipleComparisons.Adjust(p, adj, CorrectionMethod.Holm);
        Approx.Equal(0.02, adj[0]);
        Assert.True(double.IsNaN(adj[1]));
        Approx.Equal(0.04, adj[2]);
    }

    public static TheoryData<string> WelchCases => ["Count", "Sum"];

    [Theory]
    [MemberData(nameof(WelchCases))]
    public void Welch_t_test_matches_scipy_ttest_ind(string metric)
    {
        var (a, b, stat, p, df, lo, hi) = metric == "Count"
            ? (Reference.CountA, Reference.CountB, Reference.Welch_Count_Stat, Reference.Welch_Count_P, Reference.Welch_Count_Df, Reference.Welch_Count_CiLo, Reference.Welch_Count_CiHi)
            : (Reference.SumA, Reference.SumB, Reference.Welch_Sum_Stat, Reference.Welch_Sum_P, Reference.Welch_Sum_Df, Reference.Welch_Sum_CiLo, Reference.Welch_Sum_CiHi);
        var r = HypothesisTests.WelchT(a, b, 0.05);
        Approx.Equal(stat, r.Statistic);
        Approx.Equal(p, r.PValue);
        Approx.Equal(df, r.Df);
        Approx.Equal(lo, r.DifferenceCi!.Value.Lower);
        Approx.Equal(hi, r.DifferenceCi!.Value.Upper);
    }

    [Fact]
    public void Welch_anova_matches_statsmodels_anova_oneway()
    {
        var r = HypothesisTests.WelchAnova([Reference.CountA, Reference.CountB, Reference.CountC]);
        Approx.Equal(Reference.Anova_Stat, r.Statistic);
        Approx.Equal(Reference.Anova_P, r.PValue);
        Approx.Equal(2, r.Df);
        Approx.Equal(Reference.Anova_Df2, r.Df2);
    }

    [Theory]
    [MemberData(nameof(WelchCases))]
    public void Delta_method_lift_effect_size_and_normal_posterior_match_the_closed_forms(string metric)
    {
        var (a, b, lift, lo, hi, d, beat, loss) = metric == "Count"
            ? (Reference.CountA, Reference.CountB, Reference.Lift_Count, Reference.Lift_Count_CiLo, Reference.Lift_Count_CiHi, Reference.CohenD_Count, Reference.NormalBeat_Count, Reference.NormalLoss_Count)
            : (Reference.SumA, Reference.SumB, Reference.Lift_Sum, Reference.Lift_Sum_CiLo, Reference.Lift_Sum_CiHi, Reference.CohenD_Sum, Reference.NormalBeat_Sum, Reference.NormalLoss_Sum);
        var l = RelativeLift.DeltaMethod(a.Mean, a.Variance, a.N, b.Mean, b.Variance, b.N, 0.05)!.Value;
        Approx.Equal(lift, l.Lift);
        Approx.Equal(lo, l.Ci!.Value.Lower);
        Approx.Equal(hi, l.Ci!.Value.Upper);
        Approx.Equal(d, EffectSizes.CohensD(a, b));
        var t = HypothesisTests.WelchT(a, b, 0.05);
        var bayes = BayesianComparison.Normal(t.Difference, t.StandardError);
        Approx.Equal(beat, bayes.ProbBeat);
        Approx.Equal(loss, bayes.ExpectedLoss);
    }

    [Theory]
    [MemberData(nameof(WelchCases))]
    public void Sequential_p_value_and_halfwidth_follow_the_stats_md_formulas(string metric)
    {
        var (a, b, hw, p) = metric == "Count"
            ? (Reference.CountA, Reference.CountB, Reference.Seq_Count_HalfWidth, Reference.Seq_Count_P)
            : (Reference.SumA, Reference.SumB, Reference.Seq_Sum_HalfWidth, Reference.Seq_Sum_P);
        var t = HypothesisTests.WelchT(a, b, 0.05);
        var s = SequentialTest.Compute(t.Difference, t.StandardError, a.N + b.N, 0.05, 5000)!.Value;
        Approx.Equal(hw, s.HalfWidth);
        Approx.Equal(p, s.PValue);
        Approx.Equal(t.Difference - hw, s.DifferenceCi.Lower);
    }

    [Fact]
    public void Sequential_halfwidth_at_the_tuning_point_is_the_public_check_value()
    {
        var s = SequentialTest.Compute(0, 1, 5000, 0.05, 5000)!.Value;
        Assert.Equal(3.0352, s.HalfWidth, 4);
        Assert.Equal(1, s.PValue);
    }

    [Fact]
    public void Cohens_h_is_the_arcsine_difference()
    {
        Approx.Equal((2 * Math.Asin(Math.Sqrt(0.13))) - (2 * Math.Asin(Math.Sqrt(0.10))), EffectSizes.CohensH(0.10, 0.13));
    }

    [Theory]
    [InlineData(100, 1000, 130, 1000, Reference.Beta_A_P, Reference.Beta_A_Loss)]
    [InlineData(3, 20, 5, 25, Reference.Beta_B_P, Reference.Beta_B_Loss)]
    [InlineData(0, 100, 0, 100, Reference.Beta_C_P, Reference.Beta_C_Loss)]
    [InlineData(1000, 10000, 1030, 10000, Reference.Beta_D_P, Reference.Beta_D_Loss)]
    [InlineData(40, 200, 2000, 10000, Reference.Beta_E_P, Reference.Beta_E_Loss)]
    [InlineData(10, 10, 9, 10, Reference.Beta_F_P, Reference.Beta_F_Loss)]
    public void Beta_posterior_probability_and_expected_loss_match_scipy_quad(long xa, long na, long xb, long nb, double p, double loss)
    {
        var r = BayesianComparison.Beta(xa, na, xb, nb);
        Approx.Equal(p, r.ProbBeat, Approx.Numerical);
        Approx.Equal(loss, r.ExpectedLoss, Approx.Numerical);
    }

    [Fact]
    public void Beta_probability_of_130_vs_100_in_1000_matches_the_public_check_value()
    {
        Assert.Equal(0.982165, BayesianComparison.Beta(100, 1000, 130, 1000).ProbBeat, 6);
    }

    [Fact]
    public void Sample_sizes_match_statsmodels_solve_power_rounded_up()
    {
        Assert.Equal(Reference.SampleSize_Binary10to12, SampleSize.Binary(0.10, 0.12, 0.05, 0.8));
        Assert.Equal(3835, SampleSize.Binary(0.10, 0.12, 0.05, 0.8));
        Assert.Equal(Reference.SampleSize_D0125, SampleSize.Continuous(1.25, 10, 0.05, 0.8));
        Assert.Equal(1005, SampleSize.ForEffectSize(0.125, 0.05, 0.8));
        Assert.Equal(Reference.SampleSize_D02a01p09, SampleSize.ForEffectSize(0.2, 0.01, 0.9));
        Assert.Equal(Reference.SampleSize_Binary50to55, SampleSize.Binary(0.5, 0.55, 0.1, 0.95));
    }

    [Fact]
    public void Student_t_quantiles_and_tails_match_scipy()
    {
        foreach (var (df, p, t) in Reference.StudentQuantiles)
        {
            Approx.Equal(t, Internal.Distributions.StudentQuantile(p, df));
            Approx.Equal(-t, Internal.Distributions.StudentQuantile(1 - p, df));
        }

        foreach (var (df, t, p) in Reference.StudentTails)
        {
            Approx.Equal(p, Internal.Distributions.StudentTwoSided(t, df));
        }
    }
}
