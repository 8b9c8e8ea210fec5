#!/usr/bin/python3
"""Generates ReferenceValues.cs: every literal the Stats tests compare against, each with the
SciPy/statsmodels call that produced it. Run: /usr/bin/python3 tests/Stats.Tests/reference/generate.py
(SciPy 1.10.1, statsmodels 0.13.5 from Debian bookworm)."""
import math, os
import numpy as np
import scipy, statsmodels
from scipy import stats, integrate, optimize
from statsmodels.stats.proportion import proportion_confint, proportions_ztest, confint_proportions_2indep
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.oneway import anova_oneway

out = []
def emit(comment, name, value):
    out.append(f"    // {comment}")
    out.append(f"    public const double {name} = {float(value)!r};")
def emit_arr(comment, name, values):
    out.append(f"    // {comment}")
    out.append(f"    public static readonly double[] {name} = [{', '.join(repr(float(v)) for v in values)}];")
def moments(name, y):
    y = np.asarray(y, dtype=float)
    out.append(f"    // moments of generated data {name}: n, math.fsum(y), math.fsum(y*y)")
    out.append(f"    public static readonly VariantMoments {name} = new({len(y)}, {math.fsum(y)!r}, {math.fsum(y*y)!r});")

# Wilson
for (x, n, a, tag) in [(100, 1000, 0.05, "100_1000"), (0, 50, 0.05, "0_50"), (50, 50, 0.05, "50_50"), (7, 13, 0.1, "7_13_a10")]:
    lo, hi = proportion_confint(x, n, alpha=a, method="wilson")
    emit(f'proportion_confint({x}, {n}, alpha={a}, method="wilson")[0]', f"Wilson_{tag}_Lo", lo)
    emit(f'proportion_confint({x}, {n}, alpha={a}, method="wilson")[1]', f"Wilson_{tag}_Hi", hi)

# two-proportion z
for (xa, na, xb, nb, tag) in [(100, 1000, 130, 1000, "A"), (5, 200, 12, 210, "B"), (0, 10, 3, 10, "C")]:
    z, p = proportions_ztest([xb, xa], [nb, na])
    emit(f"proportions_ztest([{xb}, {xa}], [{nb}, {na}])[0]", f"Z_{tag}_Stat", z)
    emit(f"proportions_ztest([{xb}, {xa}], [{nb}, {na}])[1]", f"Z_{tag}_P", p)
    lo, hi = confint_proportions_2indep(xb, nb, xa, na, method="wald", compare="diff", alpha=0.05)
    emit(f'confint_proportions_2indep({xb}, {nb}, {xa}, {na}, method="wald", compare="diff")[0]', f"Z_{tag}_CiLo", lo)
    emit(f'confint_proportions_2indep({xb}, {nb}, {xa}, {na}, method="wald", compare="diff")[1]', f"Z_{tag}_CiHi", hi)

# chi-square of independence
for (table, tag) in [([[100, 130], [900, 870]], "2x2"), ([[100, 130, 118], [900, 870, 905]], "2x3")]:
    chi2, p, dof, _ = stats.chi2_contingency(np.array(table), correction=False)
    emit(f"chi2_contingency({table}, correction=False).statistic", f"Chi_{tag}_Stat", chi2)
    emit(f"chi2_contingency({table}, correction=False).pvalue", f"Chi_{tag}_P", p)

# SRM
for (obs, exp, tag) in [([1000, 1060], [1030, 1030], "2"), ([500, 260, 240], [500, 250, 250], "3"), ([5200, 4800], [5000, 5000], "skew")]:
    c, p = stats.chisquare(obs, exp)
    emit(f"chisquare({obs}, {exp}).statistic", f"Srm_{tag}_Stat", c)
    emit(f"chisquare({obs}, {exp}).pvalue", f"Srm_{tag}_P", p)

# multiple comparisons
pv = [0.01, 0.04, 0.03, 0.2]
emit_arr(f'multipletests({pv}, method="holm")[1]', "Holm_4", multipletests(pv, method="holm")[1])
emit_arr(f'multipletests({pv}, method="fdr_bh")[1]', "Bh_4", multipletests(pv, method="fdr_bh")[1])

# Welch t on generated data
rng = np.random.RandomState(20261201)
ya = rng.poisson(2.0, 400).astype(float); yb = rng.poisson(2.3, 380).astype(float)
sa = np.round(rng.exponential(10.0, 500), 2); sb = np.round(rng.exponential(10.8, 520), 2)
yc = rng.poisson(2.1, 390).astype(float)
moments("CountA", ya); moments("CountB", yb); moments("CountC", yc)
moments("SumA", sa); moments("SumB", sb)
for (a, b, tag, an, bn) in [(ya, yb, "Count", "yA", "yB"), (sa, sb, "Sum", "sA", "sB")]:
    r = stats.ttest_ind(b, a, equal_var=False)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    diff = b.mean() - a.mean(); se = math.sqrt(va + vb)
    emit(f"ttest_ind({bn}, {an}, equal_var=False).statistic", f"Welch_{tag}_Stat", r.statistic)
    emit(f"ttest_ind({bn}, {an}, equal_var=False).pvalue", f"Welch_{tag}_P", r.pvalue)
    emit(f"Welch-Satterthwaite df = (vA+vB)^2/(vA^2/(nA-1)+vB^2/(nB-1)), v = var(ddof=1)/n", f"Welch_{tag}_Df", df)
    lo, hi = stats.t.interval(0.95, df, loc=diff, scale=se)
    emit(f"t.interval(0.95, df, loc=mean(B)-mean(A), scale=se)[0]", f"Welch_{tag}_CiLo", lo)
    emit(f"t.interval(0.95, df, loc=mean(B)-mean(A), scale=se)[1]", f"Welch_{tag}_CiHi", hi)
    d = diff / math.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
    emit("Cohen's d = diff / pooled sd (ddof=1 pooled)", f"CohenD_{tag}", d)
    emit("norm.cdf(diff / se)", f"NormalBeat_{tag}", stats.norm.cdf(diff / se))
    emit("se*norm.pdf(diff/se) - diff*norm.cdf(-diff/se)", f"NormalLoss_{tag}", se * stats.norm.pdf(diff / se) - diff * stats.norm.cdf(-diff / se))
    ma = a.mean(); mb = b.mean()
    r_ = mb / ma - 1; sel = math.sqrt(b.var(ddof=1) / (len(b) * ma ** 2) + mb ** 2 * a.var(ddof=1) / (len(a) * ma ** 4))
    z = stats.norm.ppf(0.975)
    emit("delta method r = mB/mA - 1", f"Lift_{tag}", r_)
    emit("r - norm.ppf(0.975)*sqrt(sB^2/(nB mA^2) + mB^2 sA^2/(nA mA^4))", f"Lift_{tag}_CiLo", r_ - z * sel)
    emit("r + norm.ppf(0.975)*sqrt(...)", f"Lift_{tag}_CiHi", r_ + z * sel)
    # sequential, STATS.md formula, alpha 0.05, N* 5000
    N = len(a) + len(b); alpha = 0.05; rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / 5000
    hw = se * math.sqrt(N) * math.sqrt(2 * (N * rho2 + 1) * math.log(math.sqrt(N * rho2 + 1) / alpha) / (N * N * rho2))
    ps = min(1, math.sqrt(N * rho2 + 1) * math.exp(-(diff / se) ** 2 * N * rho2 / (2 * (N * rho2 + 1))))
    emit("STATS.md sequential halfwidth, alpha=0.05, N*=5000", f"Seq_{tag}_HalfWidth", hw)
    emit("STATS.md sequential p-value, alpha=0.05, N*=5000", f"Seq_{tag}_P", ps)

lo, hi = stats.t.interval(0.95, len(sa) - 1, loc=sa.mean(), scale=sa.std(ddof=1) / math.sqrt(len(sa)))
emit("t.interval(0.95, n-1, loc=mean(sA), scale=sd(sA)/sqrt(n))[0]", "TMean_SumA_Lo", lo)
emit("t.interval(0.95, n-1, loc=mean(sA), scale=sd(sA)/sqrt(n))[1]", "TMean_SumA_Hi", hi)

# Welch ANOVA
r = anova_oneway([ya, yb, yc], use_var="unequal", welch_correction=True)
emit('anova_oneway([yA, yB, yC], use_var="unequal", welch_correction=True).statistic', "Anova_Stat", r.statistic)
emit('anova_oneway([yA, yB, yC], use_var="unequal", welch_correction=True).pvalue', "Anova_P", r.pvalue)
emit('anova_oneway(...).df[1]', "Anova_Df2", r.df[1])

# Bayesian, binary
def beat_and_loss(xa, na, xb, nb):
    aA, bA, aB, bB = 1 + xa, 1 + na - xa, 1 + xb, 1 + nb - xb
    sd = max(stats.beta.std(aA, bA), stats.beta.std(aB, bB))
    lo = max(0.0, min(stats.beta.mean(aA, bA), stats.beta.mean(aB, bB)) - 40 * sd)
    hi = min(1.0, max(stats.beta.mean(aA, bA), stats.beta.mean(aB, bB)) + 40 * sd)
    pts = list(np.linspace(lo, hi, 41)[1:-1])
    kw = dict(epsabs=0, epsrel=1e-13, limit=2000, points=pts)
    p = integrate.quad(lambda x: stats.beta.pdf(x, aB, bB) * stats.beta.cdf(x, aA, bA), lo, hi, **kw)[0]
    mB = aB / (aB + bB)
    # E[max(pA - pB, 0)] = int f_A(x) (x F_B(x) - mB F_{Beta(aB+1,bB)}(x)) dx
    loss = integrate.quad(lambda x: stats.beta.pdf(x, aA, bA) * (x * stats.beta.cdf(x, aB, bB) - mB * stats.beta.cdf(x, aB + 1, bB)), lo, hi, **kw)[0]
    return p, loss
for (xa, na, xb, nb, tag) in [(100, 1000, 130, 1000, "A"), (3, 20, 5, 25, "B"), (0, 100, 0, 100, "C"), (1000, 10000, 1030, 10000, "D"), (40, 200, 2000, 10000, "E"), (10, 10, 9, 10, "F")]:
    p, loss = beat_and_loss(xa, na, xb, nb)
    emit(f"quad(beta.pdf(x,1+{xb},1+{nb - xb})*beta.cdf(x,1+{xa},1+{na - xa}))", f"Beta_{tag}_P", p)
    emit(f"quad(beta.pdf(x,aA,bA)*(x*beta.cdf(x,aB,bB) - mB*beta.cdf(x,aB+1,bB))) = E[max(pA-pB,0)]", f"Beta_{tag}_Loss", loss)

# sample size
ss = NormalIndPower()
for (es, a, pw, tag, call) in [
        (2 * math.asin(math.sqrt(0.12)) - 2 * math.asin(math.sqrt(0.10)), 0.05, 0.8, "Binary10to12", "proportion_effectsize(0.12, 0.10)"),
        (0.125, 0.05, 0.8, "D0125", "0.125"),
        (0.2, 0.01, 0.9, "D02a01p09", "0.2"),
        (2 * math.asin(math.sqrt(0.55)) - 2 * math.asin(math.sqrt(0.5)), 0.1, 0.95, "Binary50to55", "proportion_effectsize(0.55, 0.5)")]:
    n = ss.solve_power(effect_size=es, nobs1=None, alpha=a, power=pw, ratio=1)
    out.append(f"    // ceil(NormalIndPower().solve_power(effect_size={call}, alpha={a}, power={pw}, ratio=1)) = ceil({n!r})")
    out.append(f"    public const long SampleSize_{tag} = {math.ceil(n)};")

# Student t quantiles and tails (own Newton solver in Distributions.StudentQuantile)
tq = []
for df in [3, 4.5, 10, 774, 1e6]:
    for q in [0.9, 0.975, 0.995]:
        # scipy 1.10's t.ppf (cephes stdtri) is only ~2e-9 accurate at small df (t.cdf(t.ppf(0.9, 3), 3) - 0.9 = 3.6e-10),
        # so the reference inverts SciPy's own t.sf to machine precision instead.
        tq.append((df, q, optimize.brentq(lambda x: stats.t.sf(x, df) - (1 - q), 0.1, 50, xtol=1e-15, rtol=8.9e-16)))
out.append("    // (df, p, scipy.optimize.brentq(lambda x: scipy.stats.t.sf(x, df) - (1 - p), 0.1, 50, xtol=1e-15, rtol=8.9e-16))")
out.append("    public static readonly (double Df, double P, double T)[] StudentQuantiles = [" + ", ".join(f"({d!r}, {q!r}, {t!r})" for d, q, t in tq) + "];")
tt = [(df, t, 2 * stats.t.sf(abs(t), df)) for df, t in [(5, 12.0), (774, 6.5), (30, 0.3)]]
out.append("    // (df, t, 2 * scipy.stats.t.sf(|t|, df))")
out.append("    public static readonly (double Df, double T, double P)[] StudentTails = [" + ", ".join(f"({d!r}, {t!r}, {p!r})" for d, t, p in tt) + "];")

header = f"""// <auto-generated>
// Produced by tests/Stats.Tests/reference/generate.py with SciPy {scipy.__version__}, statsmodels {statsmodels.__version__}, NumPy {np.__version__}.
// Do not edit by hand: rerun the script.
// </auto-generated>
using Expothesis.Fast.Stats;

namespace Expothesis.Fast.Stats.Tests;

/// <summary>Reference values from SciPy/statsmodels (see each comment for the producing call).</summary>
internal static class Reference
{{
"""
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ReferenceValues.cs")
with open(path, "w") as f:
    f.write(header + "\n".join(out) + "\n}\n")
print("wrote", path)
