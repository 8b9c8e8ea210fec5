namespace Expothesis.Fast.Stats;

/// <summary>
/// Neumaier (improved Kahan) compensated summation: the running sum plus a correction term that
/// captures the low-order bits lost by each addition, so long streams of small deltas keep their
/// precision (STATS.md: "Accumulate S1 and S2 with compensated summation").
/// </summary>
public struct CompensatedSum
{
    private double _sum;
    private double _compensation;

    /// <summary>The compensated total.</summary>
    public readonly double Value => _sum + _compensation;

    /// <summary>Adds one term.</summary>
    public void Add(double value)
    {
        double t = _sum + value;
        if (Math.Abs(_sum) >= Math.Abs(value))
        {
            _compensation += (_sum - t) + value;
        }
        else
        {
            _compensation += (value - t) + _sum;
        }

        _sum = t;
    }

    /// <summary>Compensated sum of a span.</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        var s = default(CompensatedSum);
        foreach (double v in values)
        {
            s.Add(v);
        }

        return s.Value;
    }
}

/// <summary>
/// Builds <see cref="VariantMoments"/> incrementally with compensated sums: units join with
/// <see cref="AddUnit"/>, and a unit whose value changes from y to y' contributes the deltas
/// (y' − y) to S1 and (y'² − y²) to S2 (the way the ingest engine maintains its sums).
/// </summary>
public struct MomentAccumulator
{
    private long _n;
    private CompensatedSum _s1;
    private CompensatedSum _s2;

    /// <summary>Adds an exposed unit with value <paramref name="value"/> (0 for a unit without events).</summary>
    public void AddUnit(double value = 0)
    {
        _n++;
        _s1.Add(value);
        _s2.Add(value * value);
    }

    /// <summary>Moves an already counted unit's value from <paramref name="oldValue"/> to <paramref name="newValue"/>.</summary>
    public void Update(double oldValue, double newValue)
    {
        _s1.Add(newValue - oldValue);
        _s2.Add((newValue * newValue) - (oldValue * oldValue));
    }

    /// <summary>The moments accumulated so far.</summary>
    public readonly VariantMoments ToMoments() => new(_n, _s1.Value, _s2.Value);
}
