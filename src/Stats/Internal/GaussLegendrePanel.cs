namespace Expothesis.Fast.Stats.Internal;

/// <summary>
/// A 16-point Gauss–Legendre rule on [−1, 1] with its spectral integration matrix:
/// <c>∫_{−1}^{x_i} f ≈ Σ_k S[i, k]·f(x_k)</c>, exact for polynomials of degree ≤ 15. Used to integrate
/// a density and its running CDF on the same nodes.
/// </summary>
internal static class GaussLegendrePanel
{
    public const int Order = 16;

    public static readonly double[] Nodes = new double[Order];
    public static readonly double[] Weights = new double[Order];

    /// <summary>Row-major Order × Order integration matrix.</summary>
    public static readonly double[] Cumulative = new double[Order * Order];

#pragma warning disable CA1810 // the tables depend on each other; one static constructor builds them in order
    static GaussLegendrePanel()
#pragma warning restore CA1810
    {
        const int n = Order;
        for (int i = 0; i < n; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int iter = 0; iter < 100; iter++)
            {
                Legendre(n, x, out double p, out dp);
                double dx = p / dp;
                x -= dx;
                if (Math.Abs(dx) < 1e-16)
                {
                    break;
                }
            }

            Legendre(n, x, out _, out dp);
            Nodes[n - 1 - i] = x;
            Weights[n - 1 - i] = 2 / ((1 - (x * x)) * dp * dp);
        }

        // ℓ_k(t) = w_k Σ_j (2j+1)/2 P_j(x_k) P_j(t); ∫_{−1}^{x} P_0 = x + 1, ∫_{−1}^{x} P_j = (P_{j+1}(x) − P_{j−1}(x))/(2j+1).
        Span<double> pk = stackalloc double[n + 1];
        Span<double> pi = stackalloc double[n + 1];
        for (int i = 0; i < n; i++)
        {
            LegendreAll(Nodes[i], pi);
            for (int k = 0; k < n; k++)
            {
                LegendreAll(Nodes[k], pk);
                double s = (Nodes[i] + 1) / 2;
                for (int j = 1; j < n; j++)
                {
                    s += pk[j] * (pi[j + 1] - pi[j - 1]) / 2;
                }

                Cumulative[(i * n) + k] = Weights[k] * s;
            }
        }
    }

    private static void Legendre(int n, double x, out double p, out double dp)
    {
        double p0 = 1, p1 = x;
        for (int j = 2; j <= n; j++)
        {
            double p2 = (((2 * j) - 1) * x * p1 - ((j - 1) * p0)) / j;
            p0 = p1;
            p1 = p2;
        }

        p = p1;
        dp = n * ((x * p1) - p0) / ((x * x) - 1);
    }

    private static void LegendreAll(double x, Span<double> values)
    {
        values[0] = 1;
        values[1] = x;
        for (int j = 2; j < values.Length; j++)
        {
            values[j] = ((((2 * j) - 1) * x * values[j - 1]) - ((j - 1) * values[j - 2])) / j;
        }
    }
}
