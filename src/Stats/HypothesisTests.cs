using Expothesis.Fast.Stats.Internal;

namespace Expothesis.Fast.Stats;

/// <summary>Result of comparing a treatment with the control (difference = treatment − control).</summary>
/// <param name="Statistic">z or t; null when undefined (no data or zero standard error with a non-zero difference).</param>
/// <param name="Df">Degrees of freedom (Welch–Satterthwaite); null for z tests.</param>
/// <param name="PValue">Two-sided p-value; null when undefined.</param>
/// <param name="Difference">Treatment mean minus control mean (0 without data).</param>
/// <param name="DifferenceCi">Confidence interval of the difference; null when undefined.</param>
/// <param name="StandardError">Unpooled standard error of the difference (NaN-free; 0 when undefined).</param>
public readonly record struct TwoSampleTest(double? Statistic, double? Df, double? PValue, double Difference, Interval? DifferenceCi, double StandardError);

/// <summary>Result of an omnibus or goodness-of-fit test.</summary>
public readonly record struct OmnibusTest(double? Statistic, double? Df, double? Df2, double? PValue);

/// <summary>Frequentist tests over sufficient statistics (STATS.md table).</summary>
public static class HypothesisTests
{
    /// <summary>
    /// Two-proportion z-test: pooled SE for the statistic, unpooled SE for the difference CI.
    /// Matches <c>statsmodels proportions_ztest([xB, xA], [nB, nA])</c>. S1 is the number of converted units.
    /// </summary>
    public static TwoSampleTest TwoProportionZ(VariantMoments control, VariantMoments treatment, double alpha)
    {
        if (control.N <= 0 || treatment.N <= 0)
        {
            return new TwoSampleTest(null, null, null, 0, null, 0);
        }

        double nA = control.N, nB = treatment.N;
        double pA = Math.Clamp(control.S1 / nA, 0, 1);
        double pB = Math.Clamp(treatment.S1 / nB, 0, 1);
        double diff = pB - pA;
        double pooled = (control.S1 + treatment.S1) / (nA + nB);
        double pooledSe = Math.Sqrt(pooled * (1 - pooled) * ((1 / nA) + (1 / nB)));
        double se = Math.Sqrt((pA * (1 - pA) / nA) + (pB * (1 - pB) / nB));
        double z = Distributions.NormalQuantile(1 - (alpha / 2));
        Interval? ci = double.IsFinite(se) ? new Interval(diff - (z * se), diff + (z * se)) : null;
        if (!(pooledSe > 0))
        {
            // Both proportions are 0 or both are 1: no evidence of a difference.
            return new TwoSampleTest(0, null, 1, diff, ci, se);
        }

        double stat = diff / pooledSe;
        return new TwoSampleTest(stat, null, Distributions.NormalTwoSided(stat), diff, ci, se);
    }

    /// <summary>
    /// Welch's t-test with Welch–Satterthwaite degrees of freedom; matches
    /// <c>scipy.stats.ttest_ind(yB, yA, equal_var=False)</c>. The difference CI uses the same t quantile.
    /// </summary>
    public static TwoSampleTest WelchT(VariantMoments control, VariantMoments treatment, double alpha)
    {
        double diff = (treatment.N > 0 && control.N > 0) ? treatment.Mean - control.Mean : 0;
        if (control.N < 2 || treatment.N < 2)
        {
            return new TwoSampleTest(null, null, null, diff, null, 0);
        }

        double vA = control.Variance / control.N;
        double vB = treatment.Variance / treatment.N;
        double se2 = vA + vB;
        double se = Math.Sqrt(se2);
        if (!(se > 0) || !double.IsFinite(se))
        {
            // Zero variance in both groups: the test is undefined unless the means are equal.
            return diff == 0
                ? new TwoSampleTest(0, null, 1, 0, new Interval(0, 0), 0)
                : new TwoSampleTest(null, null, null, diff, new Interval(diff, diff), 0);
        }

        double df = se2 * se2 / ((vA * vA / (control.N - 1)) + (vB * vB / (treatment.N - 1)));
        double t = diff / se;
        double q = Distributions.StudentQuantile(1 - (alpha / 2), df);
        return new TwoSampleTest(t, df, Distributions.StudentTwoSided(t, df), diff, new Interval(diff - (q * se), diff + (q * se)), se);
    }

    /// <summary>
    /// Chi-square test of independence on the 2×k table (converted, not converted) × variant, without
    /// continuity correction; matches <c>scipy.stats.chi2_contingency(table, correction=False)</c>.
    /// </summary>
    public static OmnibusTest ChiSquareIndependence(ReadOnlySpan<VariantMoments> variants)
    {
        int k = 0;
        double total = 0, converted = 0;
        foreach (var v in variants)
        {
            if (v.N > 0)
            {
                k++;
                total += v.N;
                converted += Math.Clamp(v.S1, 0, v.N);
            }
        }

        double df = k - 1;
        if (k < 2 || converted <= 0 || converted >= total)
        {
            return new OmnibusTest(null, k >= 2 ? df : null, null, null);
        }

        double stat = 0;
        foreach (var v in variants)
        {
            if (v.N <= 0)
            {
                continue;
            }

            double x = Math.Clamp(v.S1, 0, v.N);
            double e1 = v.N * converted / total;
            double e0 = v.N * (total - converted) / total;
            stat += ((x - e1) * (x - e1) / e1) + ((v.N - x - e0) * (v.N - x - e0) / e0);
        }

        return new OmnibusTest(stat, df, null, Distributions.ChiSquareSurvival(stat, df));
    }

    /// <summary>
    /// Welch's (1951) heteroscedastic one-way ANOVA; F with (k − 1, df2) degrees of freedom; matches
    /// <c>statsmodels.stats.oneway.anova_oneway(groups, use_var="unequal", welch_correction=True)</c>.
    /// Groups with fewer than 2 units are left out; null statistic when a group has zero variance.
    /// </summary>
    public static OmnibusTest WelchAnova(ReadOnlySpan<VariantMoments> variants)
    {
        int k = 0;
        double sumW = 0, sumWm = 0;
        foreach (var v in variants)
        {
            if (v.N < 2)
            {
                continue;
            }

            double var = v.Variance;
            if (!(var > 0))
            {
                return new OmnibusTest(null, null, null, null);
            }

            k++;
            double w = v.N / var;
            sumW += w;
            sumWm += w * v.Mean;
        }

        if (k < 2)
        {
            return new OmnibusTest(null, null, null, null);
        }

        double grand = sumWm / sumW;
        double a = 0, tmp = 0;
        foreach (var v in variants)
        {
            if (v.N < 2)
            {
                continue;
            }

            double w = v.N / v.Variance;
            a += w * (v.Mean - grand) * (v.Mean - grand);
            double r = 1 - (w / sumW);
            tmp += r * r / (v.N - 1);
        }

        double df1 = k - 1;
        double kk = (double)k * k;
        a /= df1;
        double b = 1 + (2.0 * (k - 2) / (kk - 1) * tmp);
        double f = a / b;
        if (!(tmp > 0))
        {
            return new OmnibusTest(null, df1, null, null);
        }

        double df2 = (kk - 1) / (3 * tmp);
        return new OmnibusTest(f, df1, df2, Distributions.FSurvival(f, df1, df2));
    }

    /// <summary>
    /// Chi-square goodness of fit of observed counts against expected shares (normalized here);
    /// matches <c>scipy.stats.chisquare(observed, expected)</c> with expected = total · share.
    /// Categories with a zero share and zero observations are skipped; a zero share with observations gives p = 0.
    /// </summary>
    public static OmnibusTest ChiSquareGoodnessOfFit(ReadOnlySpan<long> observed, ReadOnlySpan<double> expectedShares)
    {
        if (observed.Length != expectedShares.Length)
        {
            throw new ArgumentException("observed and expected must have the same length", nameof(expectedShares));
        }

        double total = 0, shareSum = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            total += observed[i];
            shareSum += Math.Max(0, expectedShares[i]);
        }

        if (total <= 0 || !(shareSum > 0))
        {
            return new OmnibusTest(null, null, null, null);
        }

        double stat = 0;
        int categories = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double e = total * Math.Max(0, expectedShares[i]) / shareSum;
            if (e <= 0)
            {
                if (observed[i] > 0)
                {
                    return new OmnibusTest(null, null, null, 0);
                }

                continue;
            }

            categories++;
            double d = observed[i] - e;
            stat += d * d / e;
        }

        double df = categories - 1;
        if (df < 1)
        {
            return new OmnibusTest(0, null, null, 1);
        }

        return new OmnibusTest(stat, df, null, Distributions.ChiSquareSurvival(stat, df));
    }
}
