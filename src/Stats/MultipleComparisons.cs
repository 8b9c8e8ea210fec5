namespace Expothesis.Fast.Stats;

/// <summary>
/// Multiple-comparison adjustment over the comparisons of one metric; matches
/// <c>statsmodels.stats.multitest.multipletests(p, method="holm" | "fdr_bh")</c>.
/// </summary>
public static class MultipleComparisons
{
    /// <summary>
    /// Writes adjusted p-values. Non-finite entries (missing p-values) are not counted in the family
    /// and come back as NaN. <paramref name="adjusted"/> may alias <paramref name="pValues"/>.
    /// </summary>
    public static void Adjust(ReadOnlySpan<double> pValues, Span<double> adjusted, CorrectionMethod method)
    {
        if (adjusted.Length < pValues.Length)
        {
            throw new ArgumentException("adjusted is shorter than pValues", nameof(adjusted));
        }

        int n = pValues.Length;
        Span<int> order = n <= 64 ? stackalloc int[n] : new int[n];
        Span<double> p = n <= 64 ? stackalloc double[n] : new double[n];
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            p[i] = pValues[i];
            if (double.IsFinite(p[i]))
            {
                order[m++] = i;
            }
        }

        for (int i = 0; i < n; i++)
        {
            adjusted[i] = double.IsFinite(p[i]) ? Math.Clamp(p[i], 0, 1) : double.NaN;
        }

        if (method == CorrectionMethod.None || m <= 1)
        {
            return;
        }

        // Insertion sort of the (few) finite p-values by value, stable on ties.
        var idx = order[..m];
        for (int i = 1; i < m; i++)
        {
            int cur = idx[i];
            int j = i - 1;
            while (j >= 0 && p[idx[j]] > p[cur])
            {
                idx[j + 1] = idx[j];
                j--;
            }

            idx[j + 1] = cur;
        }

        if (method == CorrectionMethod.Holm)
        {
            double running = 0;
            for (int r = 0; r < m; r++)
            {
                double v = Math.Min(1, (m - r) * Math.Clamp(p[idx[r]], 0, 1));
                running = Math.Max(running, v);
                adjusted[idx[r]] = running;
            }
        }
        else
        {
            double running = 1;
            for (int r = m - 1; r >= 0; r--)
            {
                double v = Math.Min(1, m * Math.Clamp(p[idx[r]], 0, 1) / (r + 1));
                running = Math.Min(running, v);
                adjusted[idx[r]] = running;
            }
        }
    }
}
