using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Expothesis.Fast.Storage.Ingest;
using FASTER.core;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>
/// Key of the unit-state store: (experiment, hash, slot). Slot <see cref="ExposureSlot"/> holds the unit's
/// exposure and stored assignment, slot m + 1 the unit's value y of metric m. In the separate seen-id store,
/// slot <see cref="DedupSlot"/> marks a seen event id (hash = event id hash mixed with the unit hash).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UnitKey
{
    public ulong Hash;
    public int Experiment;
    public int Slot;

    public const int ExposureSlot = 0;
    public const int DedupSlot = -1;

    public UnitKey(int experiment, ulong hash, int slot)
    {
        Hash = hash;
        Experiment = experiment;
        Slot = slot;
    }

    /// <summary>The dedup key's hash: the event id hash mixed with the unit hash, so the key belongs to the unit's shard.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong DedupHash(ulong eventIdHash, ulong unitHash) => eventIdHash ^ (unitHash * 0x9E3779B97F4A7C15UL) ^ 0x5851F42D4C957F2DUL;
}

/// <summary>Hashing and equality of <see cref="UnitKey"/> for FASTER.</summary>
internal sealed class UnitKeyComparer : IFasterEqualityComparer<UnitKey>
{
    public static readonly UnitKeyComparer Instance = new();

    public long GetHashCode64(ref UnitKey k) => Hash(in k);

    /// <summary>The store's 64-bit hash of <paramref name="k"/> (also what the prefetcher computes ahead).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Hash(in UnitKey k)
    {
        ulong h = k.Hash ^ ((((ulong)(uint)k.Experiment << 32) | (uint)k.Slot) * 0xC2B2AE3D27D4EB4FUL);
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return (long)h;
    }

    public bool Equals(ref UnitKey k1, ref UnitKey k2) => k1.Hash == k2.Hash && k1.Experiment == k2.Experiment && k1.Slot == k2.Slot;
}

/// <summary>
/// Value of the unit-state store (16 bytes). Exposure slot: <see cref="Word"/> packs exposed variant + 1 (bits 0-15)
/// and stored variant + 1 (bits 16-31), <see cref="TimeMs"/> is the exposure time. Metric slot: <see cref="Word"/>
/// is the bits of y and <see cref="TimeMs"/> the unit's variant (so a metric event of a unit that already has a
/// value needs no exposure lookup). Dedup slot: 1.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UnitValue
{
    public long Word;
    public long TimeMs;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ExposedOf(long word) => (int)(word & 0xFFFF) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StoredOf(long word) => (int)((word >> 16) & 0xFFFF) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Pack(int exposed, int stored) => (long)(uint)(exposed + 1) | ((long)(uint)(stored + 1) << 16);
}

internal enum UnitOp : byte
{
    /// <summary>Check the unit's exposure; expose it when allowed and a variant is known.</summary>
    Resolve,
    /// <summary>Store an assignment when none is stored.</summary>
    Store,
    /// <summary>Apply a metric event to y when the unit already has a value for the metric (its variant is in the value).</summary>
    Metric,
    /// <summary>Apply a metric event of a unit known to be exposed to <see cref="UnitInput.Variant"/>, creating its value.</summary>
    MetricCreate,
    /// <summary>Insert an event-id marker; report a duplicate when present.</summary>
    Dedup,
}

internal enum UnitOutcome : byte
{
    None,
    NewlyExposed,
    AlreadyExposed,
    NotExposed,
    NotAllowed,
    Mismatch,
    Stored,
    AlreadyStored,
    Applied,
    NeedsExposure,
    Inserted,
    Duplicate,
}

internal struct UnitInput
{
    public double Value;
    public long TimeMs;
    public UnitOp Op;
    public MetricKind Kind;
    public short Variant;
    public bool AllowExpose;
    public bool UseStored;
}

internal struct UnitOutput
{
    public double OldY;
    public double NewY;
    public UnitOutcome Outcome;
    public short Variant;
}

/// <summary>
/// The FASTER callbacks. Every callback runs the same deterministic decision (<see cref="Decide"/>) on the
/// old value, so in-place, copy and initial updates (and replay) agree.
/// </summary>
internal sealed class UnitFunctions : FunctionsBase<UnitKey, UnitValue, UnitInput, UnitOutput, Empty>
{
    public static bool Decide(ref UnitInput input, bool exists, ref UnitValue old, out UnitValue next, ref UnitOutput output)
    {
        next = exists ? old : default;
        switch (input.Op)
        {
            case UnitOp.Resolve:
                {
                    int exposed = exists ? UnitValue.ExposedOf(old.Word) : -1;
                    int stored = exists ? UnitValue.StoredOf(old.Word) : -1;
                    if (exposed >= 0)
                    {
                        output.Variant = (short)exposed;
                        output.Outcome = input.Variant >= 0 && input.Variant != exposed ? UnitOutcome.Mismatch : UnitOutcome.AlreadyExposed;
                        return false;
                    }
                    int candidate = input.Variant;
                    if (stored >= 0)
                    {
                        if (candidate >= 0 && candidate != stored)
                        {
                            output.Variant = (short)stored;
                            output.Outcome = UnitOutcome.Mismatch;
                            return false;
                        }
                        if (candidate < 0 && input.UseStored)
                        {
                            candidate = stored;
                        }
                    }
                    if (candidate < 0)
                    {
                        output.Outcome = UnitOutcome.NotExposed;
                        return false;
                    }
                    if (!input.AllowExpose)
                    {
                        output.Outcome = UnitOutcome.NotAllowed;
                        return false;
                    }
                    next.Word = UnitValue.Pack(candidate, stored);
                    next.TimeMs = input.TimeMs;
                    output.Variant = (short)candidate;
                    output.Outcome = UnitOutcome.NewlyExposed;
                    return true;
                }
            case UnitOp.Store:
                {
                    int exposed = exists ? UnitValue.ExposedOf(old.Word) : -1;
                    int stored = exists ? UnitValue.StoredOf(old.Word) : -1;
                    if (stored >= 0)
                    {
                        output.Variant = (short)stored;
                        output.Outcome = UnitOutcome.AlreadyStored;
                        return false;
                    }
                    next.Word = UnitValue.Pack(exposed, input.Variant);
                    output.Variant = input.Variant;
                    output.Outcome = UnitOutcome.Stored;
                    return true;
                }
            case UnitOp.Metric:
            case UnitOp.MetricCreate:
                {
                    int variant;
                    if (exists)
                    {
                        variant = (int)old.TimeMs;
                        if (input.Variant >= 0 && input.Variant != variant)
                        {
                            output.Variant = (short)variant;
                            output.Outcome = UnitOutcome.Mismatch;
                            return false;
                        }
                    }
                    else if (input.Op == UnitOp.Metric)
                    {
                        output.Outcome = UnitOutcome.NeedsExposure;
                        return false;
                    }
                    else
                    {
                        variant = input.Variant;
                    }
                    double y = exists ? BitConverter.Int64BitsToDouble(old.Word) : 0d;
                    double y2 = input.Kind switch
                    {
                        MetricKind.Binary => 1d,
                        MetricKind.Count => y + 1d,
                        _ => y + input.Value,
                    };
                    output.OldY = y;
                    output.NewY = y2;
                    output.Variant = (short)variant;
                    output.Outcome = UnitOutcome.Applied;
                    long bits = BitConverter.DoubleToInt64Bits(y2);
                    if (exists && bits == old.Word)
                    {
                        return false;
                    }
                    next.Word = bits;
                    next.TimeMs = variant;
                    return true;
                }
            default:
                {
                    if (exists)
                    {
                        output.Outcome = UnitOutcome.Duplicate;
                        return false;
                    }
                    next.Word = 1;
                    next.TimeMs = input.TimeMs;
                    output.Outcome = UnitOutcome.Inserted;
                    return true;
                }
        }
    }

    public override bool NeedInitialUpdate(ref UnitKey key, ref UnitInput input, ref UnitOutput output, ref RMWInfo rmwInfo)
    {
        UnitValue none = default;
        return Decide(ref input, false, ref none, out _, ref output);
    }

    public override bool InitialUpdater(ref UnitKey key, ref UnitInput input, ref UnitValue value, ref UnitOutput output, ref RMWInfo rmwInfo)
    {
        UnitValue none = default;
        Decide(ref input, false, ref none, out value, ref output);
        return true;
    }

    public override bool InPlaceUpdater(ref UnitKey key, ref UnitInput input, ref UnitValue value, ref UnitOutput output, ref RMWInfo rmwInfo)
    {
        if (Decide(ref input, true, ref value, out var next, ref output))
        {
            value = next;
        }
        return true;
    }

    public override bool NeedCopyUpdate(ref UnitKey key, ref UnitInput input, ref UnitValue oldValue, ref UnitOutput output, ref RMWInfo rmwInfo)
        => Decide(ref input, true, ref oldValue, out _, ref output);

    public override bool CopyUpdater(ref UnitKey key, ref UnitInput input, ref UnitValue oldValue, ref UnitValue newValue, ref UnitOutput output, ref RMWInfo rmwInfo)
    {
        Decide(ref input, true, ref oldValue, out newValue, ref output);
        return true;
    }

    public override bool SingleReader(ref UnitKey key, ref UnitInput input, ref UnitValue value, ref UnitOutput dst, ref ReadInfo readInfo)
    {
        dst.OldY = BitConverter.Int64BitsToDouble(value.Word);
        dst.Variant = (short)UnitValue.StoredOf(value.Word);
        dst.Outcome = UnitOutcome.Applied;
        return true;
    }

    public override bool ConcurrentReader(ref UnitKey key, ref UnitInput input, ref UnitValue value, ref UnitOutput dst, ref ReadInfo readInfo)
        => SingleReader(ref key, ref input, ref value, ref dst, ref readInfo);
}
