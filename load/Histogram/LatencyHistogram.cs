using System.Numerics;

namespace Expothesis.Fast.Load.Histogram;

/// <summary>
/// An HDR-style log-linear histogram of non-negative integer values (nanoseconds, microseconds, bytes...).
/// Values below <see cref="SubBucketCount"/> × 2 are counted exactly; above, each power-of-two range is split
/// into <see cref="SubBucketCount"/> linear sub-buckets, so a reported value is within 1/256 (0.4 %) of the
/// recorded one. Memory is fixed (about 58 KiB), recording is lock-free (one interlocked increment), and two
/// histograms merge by adding their counts.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Linear sub-buckets per power of two (2^<see cref="SubBucketBits"/>).</summary>
    public const int SubBucketCount = 1 << SubBucketBits;

    private const int SubBucketBits = 7;
    private const int MaxExponent = 63 - SubBucketBits;
    private const int BucketCount = (MaxExponent + 1) * SubBucketCount;

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _sum;
    private long _max;
    private long _min = long.MaxValue;

    /// <summary>Number of recorded values.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Largest recorded value (exact), 0 when empty.</summary>
    public long Max => Volatile.Read(ref _max);

    /// <summary>Smallest recorded value (exact), 0 when empty.</summary>
    public long Min => Count == 0 ? 0 : Volatile.Read(ref _min);

    /// <summary>Sum of recorded values (exact while it fits in 64 bits).</summary>
    public long Sum => Volatile.Read(ref _sum);

    /// <summary>Arithmetic mean of the recorded values (exact), 0 when empty.</summary>
    public double Mean
    {
        get
        {
            var count = Count;
            return count == 0 ? 0 : (double)Sum / count;
        }
    }

    /// <summary>Records one value; negative values count as 0. Safe to call from many threads.</summary>
    public void Record(long value) => RecordMany(value, 1);

    /// <summary>Records <paramref name="times"/> occurrences of <paramref name="value"/>.</summary>
    public void RecordMany(long value, long times)
    {
        if (times <= 0)
        {
            return;
        }

        if (value < 0)
        {
            value = 0;
        }

        Interlocked.Add(ref _counts[IndexOf(value)], times);
        Interlocked.Add(ref _count, times);
        Interlocked.Add(ref _sum, value * times);
        UpdateMax(value);
        UpdateMin(value);
    }

    /// <summary>Adds every count of <paramref name="other"/> into this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < BucketCount; i++)
        {
            var c = Volatile.Read(ref other._counts[i]);
            if (c != 0)
            {
                Interlocked.Add(ref _counts[i], c);
            }
        }

        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, other.Sum);
        if (other.Count > 0)
        {
            UpdateMax(other.Max);
            UpdateMin(other.Min);
        }
    }

    /// <summary>Clears every count. Not atomic with respect to concurrent recording.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _sum, 0);
        Volatile.Write(ref _max, 0);
        Volatile.Write(ref _min, long.MaxValue);
    }

    /// <summary>A copy of the current state.</summary>
    public LatencyHistogram Copy()
    {
        var copy = new LatencyHistogram();
        copy.Add(this);
        return copy;
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0–100, nearest-rank definition): the smallest recorded value
    /// such that at least that share of values is less than or equal to it, within the bucket's precision.
    /// Returns 0 when empty; never exceeds <see cref="Max"/> nor falls below <see cref="Min"/>.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        var q = Math.Clamp(percentile, 0, 100) / 100.0;
        var rank = (long)Math.Ceiling(q * count);
        rank = Math.Clamp(rank, 1, count);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Clamp(MidpointOf(i), Min, Max);
            }
        }

        return Max;
    }

    /// <summary>Index of the bucket that holds <paramref name="value"/>.</summary>
    internal static int IndexOf(long value)
    {
        if (value < 2 * SubBucketCount)
        {
            return (int)value;
        }

        // value >= 2^(SubBucketBits + 1): exponent e >= 1 and value >> e lies in [SubBucketCount, 2 * SubBucketCount).
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value) - SubBucketBits;
        var sub = (int)(value >> exponent) - SubBucketCount;
        return ((exponent + 1) * SubBucketCount) + sub;
    }

    /// <summary>Lowest value that maps to bucket <paramref name="index"/>.</summary>
    internal static long LowestOf(int index)
    {
        if (index < 2 * SubBucketCount)
        {
            return index;
        }

        var exponent = (index / SubBucketCount) - 1;
        var sub = index % SubBucketCount;
        return (long)(SubBucketCount + sub) << exponent;
    }

    /// <summary>Width of bucket <paramref name="index"/> (1 in the exact range).</summary>
    internal static long WidthOf(int index) => index < 2 * SubBucketCount ? 1 : 1L << ((index / SubBucketCount) - 1);

    private static long MidpointOf(int index) => LowestOf(index) + ((WidthOf(index) - 1) / 2);

    private void UpdateMax(long value)
    {
        var current = Volatile.Read(ref _max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private void UpdateMin(long value)
    {
        var current = Volatile.Read(ref _min);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
