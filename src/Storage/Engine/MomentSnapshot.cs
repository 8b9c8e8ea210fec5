using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Engine.Internal;

namespace Expothesis.Fast.Storage.Engine;

/// <summary>The moment sums of one experiment, added up over the shards at one moment.</summary>
public sealed class MomentSnapshot
{
    private readonly VariantMoments[] _cells;
    private readonly long[] _units;

    private MomentSnapshot(int variants, int metrics, VariantMoments[] cells, long[] units, long lastEventMs)
    {
        Variants = variants;
        Metrics = metrics;
        _cells = cells;
        _units = units;
        LastEventMs = lastEventMs;
        long total = 0;
        foreach (long u in units)
        {
            total += u;
        }
        TotalUnits = total;
    }

    /// <summary>Number of variants.</summary>
    public int Variants { get; }

    /// <summary>Number of metrics.</summary>
    public int Metrics { get; }

    /// <summary>Unit-level sums of a variant for a metric: N exposed units, S1 = Σy, S2 = Σy².</summary>
    public VariantMoments this[int variant, int metric] => _cells[variant * Metrics + metric];

    /// <summary>Exposed units of a variant.</summary>
    public long Units(int variant) => _units[variant];

    /// <summary>Exposed units over all variants.</summary>
    public long TotalUnits { get; }

    /// <summary>The newest event time applied (Unix ms), or <see cref="long.MinValue"/> when none.</summary>
    public long LastEventMs { get; }

    internal static MomentSnapshot Sum(Shard[] shards, int experiment, int variants, int metrics)
    {
        var n = new long[variants * metrics];
        var s1 = new double[variants * metrics];
        var s2 = new double[variants * metrics];
        var units = new long[variants];
        long last = long.MinValue;
        foreach (var shard in shards)
        {
            var exps = shard.Experiments;
            if ((uint)experiment >= (uint)exps.Length || exps[experiment] is not { } sums)
            {
                continue;
            }
            var cells = sums.Cells;
            var u = sums.Units;
            int m0 = sums.Metrics;
            for (int v = 0; v < variants && v < u.Length; v++)
            {
                units[v] += u[v];
                for (int m = 0; m < metrics && m < m0; m++)
                {
                    ref readonly var c = ref cells[v * m0 + m];
                    n[v * metrics + m] += c.N;
                    s1[v * metrics + m] += c.Sum1;
                    s2[v * metrics + m] += c.Sum2;
                }
            }
            last = Math.Max(last, sums.LastEventMs);
        }
        var result = new VariantMoments[variants * metrics];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new VariantMoments(n[i], s1[i], s2[i]);
        }
        return new MomentSnapshot(variants, metrics, result, units, last);
    }
}
