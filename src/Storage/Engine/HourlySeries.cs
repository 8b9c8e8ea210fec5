using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Engine.Internal;

namespace Expothesis.Fast.Storage.Engine;

/// <summary>The deltas of one hour for one metric: per variant, the change of the moments and of exposed units.</summary>
public sealed class HourBucket
{
    private readonly VariantMoments[] _moments;
    private readonly long[] _units;

    internal HourBucket(long hourStartMs, VariantMoments[] moments, long[] units)
    {
        HourStartMs = hourStartMs;
        _moments = moments;
        _units = units;
    }

    /// <summary>Start of the hour, Unix ms (UTC hour boundary).</summary>
    public long HourStartMs { get; }

    /// <summary>Change of the variant's (N, S1, S2) during the hour, by the events' times.</summary>
    public VariantMoments Delta(int variant) => _moments[variant];

    /// <summary>Units exposed to the variant during the hour.</summary>
    public long UnitsDelta(int variant) => _units[variant];

    /// <summary>All per-variant moment deltas.</summary>
    public IReadOnlyList<VariantMoments> Deltas => _moments;

    /// <summary>All per-variant exposed-unit deltas.</summary>
    public IReadOnlyList<long> UnitsDeltas => _units;
}

/// <summary>
/// Per-hour deltas of one metric of an experiment, ordered by hour; their running totals are the exact
/// cumulative series (the last running total equals <see cref="IngestEngine.GetMoments"/>).
/// </summary>
public sealed class HourlySeries
{
    internal HourlySeries(int variants, IReadOnlyList<HourBucket> buckets)
    {
        Variants = variants;
        Buckets = buckets;
    }

    /// <summary>Number of variants.</summary>
    public int Variants { get; }

    /// <summary>The hour buckets, oldest first; hours without any change are absent.</summary>
    public IReadOnlyList<HourBucket> Buckets { get; }

    internal static HourlySeries Sum(Shard[] shards, int experiment, int metric, int variants)
    {
        var acc = new SortedDictionary<long, (long[] N, double[] S1, double[] S2, long[] Units)>();
        foreach (var shard in shards)
        {
            var exps = shard.Experiments;
            if ((uint)experiment >= (uint)exps.Length || exps[experiment] is not { } sums)
            {
                continue;
            }
            lock (sums.HourLock)
            {
                foreach (var h in sums.Hours.Values)
                {
                    if (!acc.TryGetValue(h.HourStartMs, out var a))
                    {
                        a = (new long[variants], new double[variants], new double[variants], new long[variants]);
                        acc.Add(h.HourStartMs, a);
                    }
                    var cells = h.Cells;
                    int m0 = h.Metrics;
                    for (int v = 0; v < variants && v < h.Units.Length; v++)
                    {
                        a.Units[v] += h.Units[v];
                        if (metric < m0)
                        {
                            ref readonly var c = ref cells[v * m0 + metric];
                            a.N[v] += c.N;
                            a.S1[v] += c.Sum1;
                            a.S2[v] += c.Sum2;
                        }
                    }
                }
            }
        }
        var buckets = new List<HourBucket>(acc.Count);
        foreach (var (hour, a) in acc)
        {
            var moments = new VariantMoments[variants];
            for (int v = 0; v < variants; v++)
            {
                moments[v] = new VariantMoments(a.N[v], a.S1[v], a.S2[v]);
            }
            buckets.Add(new HourBucket(hour, moments, a.Units));
        }
        return new HourlySeries(variants, buckets);
    }
}
