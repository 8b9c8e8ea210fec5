namespace Expothesis.Fast.Assignment;

/// <summary>
/// The current traffic split of an experiment's variants, normalized to sum 1. Starts at the configured
/// weights; a bandit updater replaces it with <see cref="SetCurrent"/> (an atomic swap of an immutable
/// array, so readers never see a half-written split). Variant ranges follow GrowthBook's getBucketRanges:
/// range_i = [cum_i, cum_i + coverage * w_i).
/// </summary>
public sealed class AllocationWeights
{
    private volatile double[] _current;

    /// <summary>Starts from <paramref name="configured"/> (normalized; negative or non-finite weights count as 0, all zero means equal).</summary>
    public AllocationWeights(ReadOnlySpan<double> configured)
    {
        if (configured.IsEmpty)
        {
            throw new ArgumentException("At least one variant weight is required.", nameof(configured));
        }
        _current = Normalize(configured);
    }

    /// <summary>The current normalized weights, one per variant.</summary>
    public ReadOnlySpan<double> Current => _current;

    /// <summary>The number of variants.</summary>
    public int Count => _current.Length;

    /// <summary>Replaces the weights (normalized as in the constructor); the count must not change.</summary>
    public void SetCurrent(ReadOnlySpan<double> weights)
    {
        if (weights.Length != _current.Length)
        {
            throw new ArgumentException("The number of weights must equal the number of variants.", nameof(weights));
        }
        _current = Normalize(weights);
    }

    /// <summary>
    /// The variant whose range holds <paramref name="bucket"/> with <paramref name="coverage"/> (clamped to
    /// [0, 1]), or -1 when the bucket falls outside every range.
    /// </summary>
    public int ChooseVariant(double bucket, double coverage)
    {
        if (!(coverage > 0))
        {
            return -1;
        }
        if (coverage > 1)
        {
            coverage = 1;
        }
        double[] weights = _current;
        double cumulative = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double start = cumulative;
            cumulative += weights[i];
            if (bucket >= start && bucket < start + (coverage * weights[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The variant ranges <c>[start, end)</c> with <paramref name="coverage"/> (clamped to [0, 1]).</summary>
    public (double Start, double End)[] GetRanges(double coverage)
    {
        coverage = coverage > 1 ? 1 : coverage > 0 ? coverage : 0;
        double[] weights = _current;
        var ranges = new (double, double)[weights.Length];
        double cumulative = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double start = cumulative;
            cumulative += weights[i];
            ranges[i] = (start, start + (coverage * weights[i]));
        }
        return ranges;
    }

    private static double[] Normalize(ReadOnlySpan<double> weights)
    {
        var result = new double[weights.Length];
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = weights[i];
            if (double.IsFinite(w) && w > 0)
            {
                result[i] = w;
                total += w;
            }
        }
        if (!(total > 0) || !double.IsFinite(total))
        {
            Array.Fill(result, 1.0 / result.Length);
            return result;
        }
        if (total != 1)
        {
            for (int i = 0; i < result.Length; i++)
            {
                result[i] /= total;
            }
        }
        return result;
    }
}
