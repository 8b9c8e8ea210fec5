using System.Runtime.CompilerServices;

namespace Expothesis.Fast.Assignment;

/// <summary>
/// GrowthBook's bucketing hash (API.md "Hashing"): FNV-1a 32 over UTF-16 code units. Version 2 hashes
/// the decimal string of the hash of <c>seed + value</c>; version 1 is <c>value + seed</c> modulo 1000.
/// Computed incrementally over both parts, without building the concatenation.
/// </summary>
public static class BucketHash
{
    private const uint OffsetBasis = 0x811c9dc5;
    private const uint Prime = 0x01000193;

    /// <summary>FNV-1a 32 of the UTF-16 code units of <paramref name="s"/>.</summary>
    public static uint Fnv1a32(ReadOnlySpan<char> s) => Continue(OffsetBasis, s);

    /// <summary>The bucket in [0, 1) of <paramref name="value"/> under <paramref name="seed"/>; null for an unknown version.</summary>
    public static double? Compute(ReadOnlySpan<char> seed, ReadOnlySpan<char> value, int version) => version switch
    {
        2 => V2(seed, value),
        1 => V1(seed, value),
        _ => null,
    };

    /// <summary>Version 2: <c>fnv(decimal(fnv(seed + value))) % 10000 / 10000</c>.</summary>
    public static double V2(ReadOnlySpan<char> seed, ReadOnlySpan<char> value) => V2(SeedState(seed), value);

    /// <summary>The FNV state after hashing <paramref name="seed"/>: computed once per experiment for <see cref="V2(uint, ReadOnlySpan{char})"/>.</summary>
    public static uint SeedState(ReadOnlySpan<char> seed) => Continue(OffsetBasis, seed);

    /// <summary>Version 2 from a precomputed <see cref="SeedState"/>.</summary>
    [SkipLocalsInit]
    public static double V2(uint seedState, ReadOnlySpan<char> value)
    {
        uint inner = Continue(seedState, value);
        Span<char> digits = stackalloc char[10];
        int n = FormatDecimal(inner, digits);
        uint outer = Continue(OffsetBasis, digits[(10 - n)..]);
        return (outer % 10000) / 10000.0;
    }

    /// <summary>Version 1: <c>fnv(value + seed) % 1000 / 1000</c>.</summary>
    public static double V1(ReadOnlySpan<char> seed, ReadOnlySpan<char> value)
    {
        uint h = Continue(Continue(OffsetBasis, value), seed);
        return (h % 1000) / 1000.0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Continue(uint h, ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            h ^= c;
            h *= Prime;
        }
        return h;
    }

    // Right-aligned decimal digits of v in a 10-char buffer; returns the digit count.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FormatDecimal(uint v, Span<char> buffer)
    {
        int i = 10;
        do
        {
            uint q = v / 10;
            buffer[--i] = (char)('0' + (v - (q * 10)));
            v = q;
        }
        while (v != 0);
        return 10 - i;
    }
}
