using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query.Analysis;

/// <summary>One hour of one metric: per-variant delta moments and delta exposed units (variant order).</summary>
public sealed record TimeseriesBucket(long HourStartMs, IReadOnlyList<VariantMoments> Moments, IReadOnlyList<long> Units);

/// <summary>Point spacing of a time series.</summary>
public enum TimeseriesGranularity : byte
{
    /// <summary>One point per hour bucket.</summary>
    Hour,
    /// <summary>One point per UTC day.</summary>
    Day,
}

/// <summary>
/// Cumulative time series of one metric (<c>GET /experiments/{experiment}/timeseries</c>): at the end of each
/// hour (or UTC day) with data, cumulative units and mean per variant, and per treatment the relative lift with
/// its delta-method CI and the p-value of the metric's test (two-proportion z or Welch's t), uncorrected.
/// </summary>
public static class TimeseriesBuilder
{
    private const long HourMs = 3_600_000;
    private const long DayMs = 86_400_000;

    /// <summary>Parses <c>hour</c> | <c>day</c> (null/empty = hour).</summary>
    public static bool TryParseGranularity(string? value, out TimeseriesGranularity granularity)
    {
        granularity = TimeseriesGranularity.Hour;
        if (string.IsNullOrEmpty(value) || value.Equals("hour", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("day", StringComparison.OrdinalIgnoreCase))
        {
            granularity = TimeseriesGranularity.Day;
            return true;
        }

        return false;
    }

    /// <summary>Builds the series; <paramref name="buckets"/> must be ordered by hour.</summary>
    public static TimeseriesDocument Build(
        string experiment,
        AnalysisMetric metric,
        IReadOnlyList<string> variantKeys,
        int controlIndex,
        IReadOnlyList<TimeseriesBucket> buckets,
        TimeseriesGranularity granularity,
        double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(variantKeys);
        ArgumentNullException.ThrowIfNull(buckets);
        int k = variantKeys.Count;
        int control = controlIndex >= 0 && controlIndex < k ? controlIndex : 0;
        if (!(alpha is > 0 and < 1))
        {
            alpha = 0.05;
        }

        bool binary = metric.Kind == MetricKind.Binary;
        long period = granularity == TimeseriesGranularity.Day ? DayMs : HourMs;
        var n = new long[k];
        var s1 = new CompensatedSum[k];
        var s2 = new CompensatedSum[k];
        var units = new long[k];
        var points = new List<TimeseriesPoint>();
        for (int b = 0; b < buckets.Count; b++)
        {
            var bucket = buckets[b];
            for (int i = 0; i < k; i++)
            {
                if (i < bucket.Moments.Count)
                {
                    var m = bucket.Moments[i];
                    n[i] += m.N;
                    if (double.IsFinite(m.S1) && double.IsFinite(m.S2))
                    {
                        s1[i].Add(m.S1);
                        s2[i].Add(m.S2);
                    }
                }

                if (i < bucket.Units.Count)
                {
                    units[i] += bucket.Units[i];
                }
            }

            long start = FloorDiv(bucket.HourStartMs, period) * period;
            bool last = b == buckets.Count - 1 || FloorDiv(buckets[b + 1].HourStartMs, period) * period != start;
            if (last)
            {
                points.Add(Point(start, variantKeys, control, binary, n, s1, s2, units, alpha));
            }
        }

        return new TimeseriesDocument(experiment, metric.Name, granularity == TimeseriesGranularity.Day ? "day" : "hour", points);
    }

    private static TimeseriesPoint Point(long startMs, IReadOnlyList<string> keys, int control, bool binary, long[] n, CompensatedSum[] s1, CompensatedSum[] s2, long[] units, double alpha)
    {
        int k = keys.Count;
        var variants = new TimeseriesVariant[k];
        var moments = new VariantMoments[k];
        for (int i = 0; i < k; i++)
        {
            moments[i] = new VariantMoments(Math.Max(0, n[i]), s1[i].Value, s2[i].Value);
            variants[i] = new TimeseriesVariant(keys[i], units[i], moments[i].Mean);
        }

        var comparisons = new List<TimeseriesComparison>(Math.Max(0, k - 1));
        var a = moments[control];
        for (int i = 0; i < k; i++)
        {
            if (i == control)
            {
                continue;
            }

            var b = moments[i];
            var test = binary ? HypothesisTests.TwoProportionZ(a, b, alpha) : HypothesisTests.WelchT(a, b, alpha);
            double varA = binary ? a.Mean * (1 - a.Mean) : a.Variance;
            double varB = binary ? b.Mean * (1 - b.Mean) : b.Variance;
            var lift = RelativeLift.DeltaMethod(a.Mean, varA, a.N, b.Mean, varB, b.N, alpha);
            double[]? ci = lift?.Ci is { } c && double.IsFinite(c.Lower) && double.IsFinite(c.Upper) ? [c.Lower, c.Upper] : null;
            double? l = lift is { } lv && double.IsFinite(lv.Lift) ? lv.Lift : null;
            double? p = test.PValue is { } pv && double.IsFinite(pv) ? pv : null;
            comparisons.Add(new TimeseriesComparison(keys[i], l, ci, p));
        }

        return new TimeseriesPoint(AnalysisWire.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(startMs)), variants, comparisons);
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b) < 0 ? 1 : 0);
}
