using Expothesis.Fast.Stats.Internal;

namespace Expothesis.Fast.Stats;

/// <summary>
/// Posterior comparison of treatment B with control A (higher is better):
/// <paramref name="ProbBeat"/> = P(B &gt; A), <paramref name="ExpectedLoss"/> = E[max(A − B, 0)] (the loss of
/// choosing B), <paramref name="ExpectedGain"/> = E[max(B − A, 0)] (the loss of choosing A).
/// </summary>
public readonly record struct BayesianResult(double ProbBeat, double ExpectedLoss, double ExpectedGain)
{
    /// <summary>The same comparison when lower values are better: P(B &lt; A), loss E[max(B − A, 0)].</summary>
    public BayesianResult ForLowerIsBetter() => new(1 - ProbBeat, ExpectedGain, ExpectedLoss);
}

/// <summary>Bayesian comparisons (STATS.md "Bayesian").</summary>
public static class BayesianComparison
{
    private const double LogTailCutoff = -40;
    private const double PanelWidthInSd = 2.5;
    private const int MaxUniformPanels = 64;

    /// <summary>
    /// Independent Beta(1 + x, 1 + n − x) posteriors (uniform prior); P(pB &gt; pA) = ∫ f_B·F_A by composite
    /// 16-point Gauss–Legendre panels over the posteriors' support, with the running CDF integrated on the
    /// same nodes. Matches <c>scipy.integrate.quad(lambda p: beta.pdf(p, aB, bB) * beta.cdf(p, aA, bA), 0, 1)</c>.
    /// Cost depends on the posteriors' shapes, not on n.
    /// </summary>
    public static BayesianResult Beta(double successesA, long nA, double successesB, long nB)
    {
        var a = new BetaShape(1 + Math.Clamp(successesA, 0, Math.Max(0, nA)), 1 + Math.Max(0, nA) - Math.Clamp(successesA, 0, Math.Max(0, nA)));
        var b = new BetaShape(1 + Math.Clamp(successesB, 0, Math.Max(0, nB)), 1 + Math.Max(0, nB) - Math.Clamp(successesB, 0, Math.Max(0, nB)));
        (double loA, double hiA) = a.Window();
        (double loB, double hiB) = b.Window();
        if (hiA <= loB)
        {
            return new BayesianResult(1, 0, b.Mean - a.Mean);
        }

        if (hiB <= loA)
        {
            return new BayesianResult(0, a.Mean - b.Mean, 0);
        }

        double lo = Math.Min(loA, loB), hi = Math.Max(hiA, hiB);
        double h = PanelWidthInSd * Math.Min(a.Sd, b.Sd);
        int uniform = (int)Math.Min(int.MaxValue, Math.Ceiling((hi - lo) / h));
        var acc = default(Accumulator);
        if (uniform <= MaxUniformPanels)
        {
            double step = (hi - lo) / uniform;
            for (int i = 0; i < uniform; i++)
            {
                acc.Panel(a, b, lo + (i * step), i == uniform - 1 ? hi : lo + ((i + 1) * step));
            }
        }
        else
        {
            // Very different widths: merge two grids, each fine where its own density lives.
            double stepA = (hiA - loA) / Math.Ceiling((hiA - loA) / (PanelWidthInSd * a.Sd));
            double stepB = (hiB - loB) / Math.Ceiling((hiB - loB) / (PanelWidthInSd * b.Sd));
            double x = lo;
            int guard = 0;
            while (x < hi && guard++ < 4096)
            {
                double next = Math.Min(NextPoint(x, loA, hiA, stepA), NextPoint(x, loB, hiB, stepB));
                next = Math.Min(next, hi);
                if (next <= x)
                {
                    break;
                }

                acc.Panel(a, b, x, next);
                x = next;
            }
        }

        return acc.Result();
    }

    /// <summary>
    /// Flat prior, normal posterior of the difference: P(B &gt; A) = Φ(Δ / SE), loss E[max(−Δ, 0)] =
    /// SE·φ(Δ/SE) − Δ·Φ(−Δ/SE). <paramref name="standardError"/> = √(sA²/nA + sB²/nB).
    /// </summary>
    public static BayesianResult Normal(double difference, double standardError)
    {
        if (!double.IsFinite(difference) || !double.IsFinite(standardError))
        {
            return new BayesianResult(0.5, 0, 0);
        }

        if (!(standardError > 0))
        {
            double p = difference > 0 ? 1 : difference < 0 ? 0 : 0.5;
            return new BayesianResult(p, Math.Max(-difference, 0), Math.Max(difference, 0));
        }

        double z = difference / standardError;
        double pdf = Distributions.NormalPdf(z);
        double loss = (standardError * pdf) - (difference * Distributions.NormalCdf(-z));
        double gain = (standardError * pdf) + (difference * Distributions.NormalCdf(z));
        return new BayesianResult(Distributions.NormalCdf(z), Math.Max(0, loss), Math.Max(0, gain));
    }

    private static double NextPoint(double x, double lo, double hi, double step)
    {
        if (x < lo)
        {
            return lo;
        }

        if (x >= hi)
        {
            return double.PositiveInfinity;
        }

        double k = Math.Floor(((x - lo) / step) + 1e-9) + 1;
        return Math.Min(hi, lo + (k * step));
    }

    private readonly struct BetaShape
    {
        private readonly double _a;
        private readonly double _b;
        private readonly double _mode;
        private readonly double _logMode;
        private readonly double _log1mMode;

        public BetaShape(double a, double b)
        {
            _a = a;
            _b = b;
            double s = a + b;
            Mean = a / s;
            Sd = Math.Sqrt(a * b / (s * s * (s + 1)));
            _mode = s > 2 ? (a - 1) / (s - 2) : 0.5;
            _logMode = Math.Log(_mode);
            _log1mMode = Math.Log(1 - _mode);
        }

        public double Mean { get; }

        public double Sd { get; }

        /// <summary>Log density relative to its value at the mode, from ln x and ln(1 − x).</summary>
        public double LogRelative(double logX, double log1mX)
        {
            double v = 0;
            if (_a != 1)
            {
                v += (_a - 1) * (logX - _logMode);
            }

            if (_b != 1)
            {
                v += (_b - 1) * (log1mX - _log1mMode);
            }

            return v;
        }

        /// <summary>Log density relative to its value at the mode (≤ 0).</summary>
        public double LogRelative(double x)
        {
            double v = 0;
            if (_a != 1)
            {
                v += (_a - 1) * Math.Log(x / _mode);
            }

            if (_b != 1)
            {
                v += (_b - 1) * Math.Log((1 - x) / (1 - _mode));
            }

            return v;
        }

        public (double Lo, double Hi) Window()
        {
            double lo = Edge(-1);
            double hi = Edge(+1);
            return (lo, hi);
        }

        private double Edge(int direction)
        {
            double x = _mode;
            for (int i = 0; i < 200; i++)
            {
                double next = x + (direction * Sd);
                if (next <= 0)
                {
                    return 0;
                }

                if (next >= 1)
                {
                    return 1;
                }

                x = next;
                if (LogRelative(x) < LogTailCutoff)
                {
                    return x;
                }
            }

            return x;
        }
    }

    private struct Accumulator
    {
        private double _fa;     // ∫ gA up to the current point
        private double _ga;     // ∫ x·gA up to the current point
        private double _zb;     // ∫ gB
        private double _mb;     // ∫ y·gB
        private double _p;      // ∫ gB(y)·FA(y)
        private double _gain;   // ∫ gB(y)·(y·FA(y) − GA(y))

        public void Panel(BetaShape a, BetaShape b, double u, double v)
        {
            const int n = GaussLegendrePanel.Order;
            double half = (v - u) / 2;
            if (!(half > 0))
            {
                return;
            }

            Span<double> x = stackalloc double[n];
            Span<double> ga = stackalloc double[n];
            Span<double> xga = stackalloc double[n];
            Span<double> gbs = stackalloc double[n];
            var nodes = GaussLegendrePanel.Nodes;
            var weights = GaussLegendrePanel.Weights;
            var cum = GaussLegendrePanel.Cumulative;
            for (int k = 0; k < n; k++)
            {
                double xk = u + (half * (1 + nodes[k]));
                x[k] = xk;
                double lx = Math.Log(xk), l1x = Math.Log(1 - xk);
                double g = Math.Exp(a.LogRelative(lx, l1x));
                gbs[k] = Math.Exp(b.LogRelative(lx, l1x));
                ga[k] = g;
                xga[k] = xk * g;
            }

            double sumA = 0, sumXa = 0;
            for (int i = 0; i < n; i++)
            {
                double xi = x[i];
                double gb = gbs[i];
                double fi = 0, gi = 0;
                int row = i * n;
                for (int k = 0; k < n; k++)
                {
                    fi += cum[row + k] * ga[k];
                    gi += cum[row + k] * xga[k];
                }

                double fa = _fa + (half * fi);
                double gaCum = _ga + (half * gi);
                double w = half * weights[i] * gb;
                _zb += w;
                _mb += w * xi;
                _p += w * fa;
                _gain += w * ((xi * fa) - gaCum);
                sumA += weights[i] * ga[i];
                sumXa += weights[i] * xga[i];
            }

            _fa += half * sumA;
            _ga += half * sumXa;
        }

        public readonly BayesianResult Result()
        {
            double z = _fa * _zb;
            if (!(z > 0) || !double.IsFinite(z))
            {
                return new BayesianResult(0.5, 0, 0);
            }

            double p = Math.Clamp(_p / z, 0, 1);
            double gain = Math.Max(0, _gain / z);
            double meanA = _ga / _fa, meanB = _mb / _zb;
            double loss = Math.Max(0, gain - (meanB - meanA));
            return new BayesianResult(p, loss, gain);
        }
    }
}
