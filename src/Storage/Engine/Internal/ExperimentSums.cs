using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>Moment sums of one (variant, metric) cell: n, and S1, S2 as Neumaier-compensated sums.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MomentCell
{
    public long N;
    public double S1;
    public double C1;
    public double S2;
    public double C2;

    public readonly double Sum1 => S1 + C1;
    public readonly double Sum2 => S2 + C2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double d1, double d2)
    {
        Neumaier(ref S1, ref C1, d1);
        Neumaier(ref S2, ref C2, d2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Neumaier(ref double sum, ref double comp, double x)
    {
        double t = sum + x;
        if (Math.Abs(sum) >= Math.Abs(x))
        {
            comp += (sum - t) + x;
        }
        else
        {
            comp += (x - t) + sum;
        }
        sum = t;
    }
}

/// <summary>Deltas of one hour: per-variant exposed units and per-cell moments.</summary>
internal sealed class HourSums
{
    public HourSums(long hourStartMs, int variants, int metrics)
    {
        HourStartMs = hourStartMs;
        Units = new long[variants];
        Cells = new MomentCell[variants * metrics];
        Metrics = metrics;
    }

    public long HourStartMs { get; }
    public int Metrics { get; private set; }
    public long[] Units { get; private set; }
    public MomentCell[] Cells { get; private set; }

    public void Resize(int variants, int metrics)
    {
        (Units, Cells) = ExperimentSums.Regrow(Units, Cells, Metrics, variants, metrics);
        Metrics = metrics;
    }
}

/// <summary>
/// One shard's sums of one experiment: per-variant exposed units, per-(variant, metric) moments and per-hour
/// deltas. Written by the owning shard only; readers take racy snapshots (hour-dictionary inserts are locked).
/// </summary>
internal sealed class ExperimentSums
{
    public const long HourMs = 3_600_000;

    private const int HourIndexLength = 4096;

    private readonly Dictionary<long, HourSums> _hours = [];
    private HourSums? _lastHour;
    private HourSums?[] _hourIndex = [];
    private long _hourIndexBase;

    public ExperimentSums(int variants, int metrics)
    {
        Variants = variants;
        Metrics = metrics;
        Units = new long[variants];
        Cells = new MomentCell[variants * metrics];
    }

    public int Variants { get; private set; }
    public int Metrics { get; private set; }
    public long[] Units { get; private set; }
    public MomentCell[] Cells { get; private set; }
    public long LastEventMs { get; set; } = long.MinValue;

    /// <summary>Lock taken to insert an hour and to enumerate hours from another thread.</summary>
    public object HourLock => _hours;

    public Dictionary<long, HourSums> Hours => _hours;

    public void EnsureShape(int variants, int metrics)
    {
        if (variants <= Variants && metrics <= Metrics)
        {
            return;
        }
        int v = Math.Max(variants, Variants), m = Math.Max(metrics, Metrics);
        (Units, Cells) = Regrow(Units, Cells, Metrics, v, m);
        lock (_hours)
        {
            foreach (var h in _hours.Values)
            {
                h.Resize(v, m);
            }
        }
        Variants = v;
        Metrics = m;
    }

    internal static (long[] Units, MomentCell[] Cells) Regrow(long[] units, MomentCell[] cells, int oldMetrics, int variants, int metrics)
    {
        var u = new long[variants];
        units.AsSpan().CopyTo(u);
        var c = new MomentCell[variants * metrics];
        int oldVariants = oldMetrics == 0 ? units.Length : cells.Length / oldMetrics;
        for (int v = 0; v < oldVariants; v++)
        {
            cells.AsSpan(v * oldMetrics, oldMetrics).CopyTo(c.AsSpan(v * metrics));
        }
        return (u, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long HourOf(long timeMs)
    {
        long r = timeMs % HourMs;
        return r < 0 ? timeMs - r - HourMs : timeMs - r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public HourSums Hour(long timeMs)
    {
        long start = HourOf(timeMs);
        var last = _lastHour;
        if (last is not null && last.HourStartMs == start)
        {
            return last;
        }
        long slot = start / HourMs - _hourIndexBase;
        if ((ulong)slot < (ulong)_hourIndex.Length && _hourIndex[slot] is { } indexed)
        {
            _lastHour = indexed;
            return indexed;
        }
        return HourSlow(start);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private HourSums HourSlow(long start)
    {
        if (!_hours.TryGetValue(start, out var h))
        {
            h = new HourSums(start, Variants, Metrics);
            lock (_hours)
            {
                _hours.Add(start, h);
            }
        }
        Index(h);
        _lastHour = h;
        return h;
    }

    /// <summary>Direct lookup for hours in a window of <see cref="HourIndexLength"/> hours (about 170 days) from the first one seen.</summary>
    private void Index(HourSums h)
    {
        long hour = h.HourStartMs / HourMs;
        if (_hourIndex.Length == 0)
        {
            _hourIndex = new HourSums?[HourIndexLength];
            _hourIndexBase = hour - HourIndexLength / 4;
        }
        long slot = hour - _hourIndexBase;
        if ((ulong)slot < (ulong)_hourIndex.Length)
        {
            _hourIndex[slot] = h;
        }
    }

    /// <summary>A unit enters the variant: units + 1, and n + 1 for every metric (its y starts at 0).</summary>
    public void Expose(int variant, long timeMs)
    {
        Units[variant]++;
        var cells = Cells.AsSpan(variant * Metrics, Metrics);
        for (int m = 0; m < cells.Length; m++)
        {
            cells[m].N++;
        }
        var h = Hour(timeMs);
        h.Units[variant]++;
        var hcells = h.Cells.AsSpan(variant * h.Metrics, Metrics);
        for (int m = 0; m < hcells.Length; m++)
        {
            hcells[m].N++;
        }
        Touch(timeMs);
    }

    /// <summary>The unit's y moved from <paramref name="oldY"/> to <paramref name="newY"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Move(int variant, int metric, double oldY, double newY, long timeMs)
    {
        double d1 = newY - oldY, d2 = newY * newY - oldY * oldY;
        int i = variant * Metrics + metric;
        if (d1 != 0 || d2 != 0)
        {
            Cells[i].Add(d1, d2);
            var h = Hour(timeMs);
            h.Cells[variant * h.Metrics + metric].Add(d1, d2);
        }
        Touch(timeMs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(long timeMs)
    {
        if (timeMs > LastEventMs)
        {
            LastEventMs = timeMs;
        }
    }

    /// <summary>Restores an hour from a checkpoint.</summary>
    public HourSums AddHour(long start)
    {
        var h = new HourSums(start, Variants, Metrics);
        lock (_hours)
        {
            _hours.Add(start, h);
        }
        Index(h);
        return h;
    }

    /// <summary>Adds <paramref name="other"/>'s sums into this one (restoring a checkpoint cut with another shard count).</summary>
    public void MergeFrom(ExperimentSums other)
    {
        EnsureShape(other.Variants, other.Metrics);
        MergeCells(Units, Cells, Metrics, other.Units, other.Cells, other.Metrics);
        LastEventMs = Math.Max(LastEventMs, other.LastEventMs);
        foreach (var h in other.Hours.Values)
        {
            var mine = _hours.TryGetValue(h.HourStartMs, out var x) ? x : AddHour(h.HourStartMs);
            MergeCells(mine.Units, mine.Cells, mine.Metrics, h.Units, h.Cells, h.Metrics);
        }
    }

    private static void MergeCells(long[] units, MomentCell[] cells, int metrics, long[] otherUnits, MomentCell[] otherCells, int otherMetrics)
    {
        for (int v = 0; v < otherUnits.Length; v++)
        {
            units[v] += otherUnits[v];
            for (int m = 0; m < otherMetrics; m++)
            {
                ref var c = ref cells[v * metrics + m];
                ref readonly var o = ref otherCells[v * otherMetrics + m];
                c.N += o.N;
                c.Add(o.S1, o.S2);
                c.Add(o.C1, o.C2);
            }
        }
    }
}
