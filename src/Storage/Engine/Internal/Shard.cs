using System.Runtime.CompilerServices;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;
using FASTER.core;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>
/// A single-writer shard: owns the units whose hash routes to it, a FASTER session, and its sums.
/// Only one thread applies to a shard at a time (the engine's batch gate orders them).
/// </summary>
internal sealed class Shard : IDisposable
{
    /// <summary>Metric ordinal of a stored-assignment record in the log (skipped by export).</summary>
    public const short StoreMetric = -2;

    private const int ExposureCacheBits = 18;

    private readonly StoredAssignments _stored;
    private readonly ClientSession<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> _session;
    private readonly UnsafeContext<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> _context;
    private readonly ClientSession<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> _seenSession;
    private readonly UnsafeContext<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> _seen;
    private readonly StorePrefetcher? _seenPrefetch;
    private readonly StorePrefetcher? _prefetch;
    // Direct-mapped cache of recorded exposures, indexed by the low hash bits (routing uses the high ones).
    // An exposure never changes once recorded, so a hit is always
    // right and saves the exposure lookup in the store; a miss falls back to it.
    private readonly ExposureEntry[] _exposures = new ExposureEntry[1 << ExposureCacheBits];
    private ExperimentSums?[] _experiments = [];
    private IIngestSchema? _shapeSchema;
    private ExperimentShape[] _shapes = [];

    public Shard(int index, UnitStore store, StoredAssignments stored)
    {
        Index = index;
        _stored = stored;
        _session = store.NewSession();
        _context = _session.UnsafeContext;
        _prefetch = store.Prefetcher;
        _seenSession = store.NewSeenSession();
        _seen = _seenSession.UnsafeContext;
        _seenPrefetch = store.SeenPrefetcher;
    }

    private struct ExposureEntry
    {
        public ulong Key;
        public int Experiment;
        public int VariantPlusOne;
    }

    /// <summary>What the shard needs of an experiment, read from the schema once per batch.</summary>
    private struct ExperimentShape
    {
        public int Variants;
        public int Metrics;
        public ExperimentStatus Status;
        public MetricKind[] Kinds;
        public bool Valid;
    }

    /// <summary>Enters the store's epoch for a run of applies on this thread (pair with <see cref="EndRun"/>).</summary>
    public void BeginRun(IIngestSchema schema)
    {
        if (!ReferenceEquals(schema, _shapeSchema))
        {
            _shapeSchema = schema;
            _shapes.AsSpan().Clear();
        }
        _context.BeginUnsafe();
        _seen.BeginUnsafe();
        _prefetch?.Refresh();
        _seenPrefetch?.Refresh();
    }

    /// <summary>How many records ahead <see cref="Prefetch"/> asks for a record's index bucket (its log record at half that).</summary>
    public const int PrefetchDistance = 8;

    /// <summary>
    /// Within a run: asks for the index bucket of record <paramref name="bucketOf"/> (<see cref="PrefetchDistance"/>
    /// ahead) and the log record of <paramref name="recordOf"/> (half as far ahead, its bucket cached by now).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ref EventRecord bucketOf, ref EventRecord recordOf)
    {
        if (_prefetch is { } p)
        {
            p.Bucket(PrimaryHash(ref bucketOf));
            p.Record(PrimaryHash(ref recordOf));
        }
        if (bucketOf.EventIdHash != 0 && _seenPrefetch is { } seen)
        {
            // A new event id is usually absent: its bucket is all the operation reads.
            seen.Bucket(UnitKeyComparer.Hash(DedupKey(ref bucketOf, bucketOf.EventIdHash)));
        }
    }

    /// <summary>Within a run: asks for the index bucket of <paramref name="r"/> (for the first records of a run).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchBucket(ref EventRecord r) => _prefetch?.Bucket(PrimaryHash(ref r));

    /// <summary>The seen-store key of <paramref name="r"/>'s event id (its hash mixed with the unit hash).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UnitKey DedupKey(ref EventRecord r, ulong eventIdHash)
        => new(r.Experiment, UnitKey.DedupHash(eventIdHash, r.UnitHash), UnitKey.DedupSlot);

    /// <summary>The hash of the first key <see cref="Apply"/> operates on for <paramref name="r"/> (dedup aside).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long PrimaryHash(ref EventRecord r)
    {
        int slot = r.Metric >= 0 ? r.Metric + 1 : UnitKey.ExposureSlot;
        return UnitKeyComparer.Hash(new UnitKey(r.Experiment, r.UnitHash, slot));
    }

    /// <summary>Leaves the store's epoch.</summary>
    public void EndRun()
    {
        _seen.EndUnsafe();
        _context.EndUnsafe();
        _shapeSchema = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ExperimentShape Shape(int experiment, IIngestSchema schema)
    {
        if ((uint)experiment < (uint)_shapes.Length)
        {
            ref var shape = ref _shapes[experiment];
            if (shape.Valid)
            {
                return ref shape;
            }
        }
        return ref ShapeSlow(experiment, schema);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref ExperimentShape ShapeSlow(int experiment, IIngestSchema schema)
    {
        if (experiment >= _shapes.Length)
        {
            Array.Resize(ref _shapes, Math.Max(experiment + 1, _shapes.Length * 2));
        }
        ref var shape = ref _shapes[experiment];
        shape.Variants = schema.GetVariantCount(experiment);
        shape.Metrics = schema.GetMetricCount(experiment);
        shape.Status = schema.GetStatus(experiment);
        if (shape.Kinds is null || shape.Kinds.Length < shape.Metrics)
        {
            shape.Kinds = new MetricKind[shape.Metrics];
        }
        for (int m = 0; m < shape.Metrics; m++)
        {
            shape.Kinds[m] = schema.GetMetricKind(experiment, m);
        }
        shape.Valid = true;
        return ref shape;
    }

    public int Index { get; }

    /// <summary>Records applied on replay whose outcome differed from the live one (should stay 0).</summary>
    public long ReplayDivergences { get; private set; }

    public ExperimentSums?[] Experiments => Volatile.Read(ref _experiments);

    /// <summary>Loads sums restored from a checkpoint (adding when this shard already has some).</summary>
    public void Load(ExperimentSums?[] restored)
    {
        for (int e = 0; e < restored.Length; e++)
        {
            if (restored[e] is not { } r)
            {
                continue;
            }
            var arr = _experiments;
            if (e < arr.Length && arr[e] is { } mine)
            {
                mine.MergeFrom(r);
                continue;
            }
            if (e >= arr.Length)
            {
                var bigger = new ExperimentSums?[Math.Max(e + 1, arr.Length * 2)];
                arr.AsSpan().CopyTo(bigger);
                arr = bigger;
            }
            arr[e] = r;
            Volatile.Write(ref _experiments, arr);
        }
    }

    public ExperimentSums Sums(int experiment, int variants, int metrics)
    {
        var arr = _experiments;
        if ((uint)experiment < (uint)arr.Length && arr[experiment] is { } s)
        {
            if (variants > s.Variants || metrics > s.Metrics)
            {
                s.EnsureShape(variants, metrics);
            }
            return s;
        }
        return SumsSlow(experiment, variants, metrics);
    }

    private ExperimentSums SumsSlow(int experiment, int variants, int metrics)
    {
        var arr = _experiments;
        if (experiment >= arr.Length)
        {
            var bigger = new ExperimentSums?[Math.Max(experiment + 1, arr.Length * 2)];
            arr.AsSpan().CopyTo(bigger);
            arr = bigger;
        }
        var s = arr[experiment] ??= new ExperimentSums(variants, metrics);
        s.EnsureShape(variants, metrics);
        Volatile.Write(ref _experiments, arr);
        return s;
    }

    /// <summary>
    /// Applies record <paramref name="r"/>: returns its outcome and sets <paramref name="log"/> when it must be
    /// logged (it changed state). With <paramref name="replay"/> the lifecycle status is not checked: a logged
    /// record was accepted when it was applied live.
    /// </summary>
    public RejectionCode Apply(ref EventRecord r, ReadOnlySpan<byte> eventId, IIngestSchema schema, bool replay, out bool log)
    {
        log = false;
        int experiment = r.Experiment;
        ref var shape = ref Shape(experiment, schema);
        int variants = shape.Variants;
        int metrics = shape.Metrics;
        if (r.Variant >= variants)
        {
            return RejectionCode.UnknownVariant;
        }
        if (r.Metric == StoreMetric)
        {
            return ApplyStore(ref r, out log);
        }
        if (r.Metric >= metrics || r.Metric < EventRecord.ExposureMetric)
        {
            return RejectionCode.UnknownMetric;
        }

        bool allowExpose = true;
        if (!replay)
        {
            switch (shape.Status)
            {
                case ExperimentStatus.Running:
                    break;
                case ExperimentStatus.Paused:
                    allowExpose = false;
                    break;
                case ExperimentStatus.Draft:
                    return RejectionCode.ExperimentNotRunning;
                default:
                    return RejectionCode.ExperimentStopped;
            }
        }

        UnitInput input = default;
        UnitOutput output = default;
        ulong idHash = r.EventIdHash;
        if (idHash == 0 && !eventId.IsEmpty)
        {
            idHash = r.EventIdHash = UnitHash.Compute(eventId);
        }
        UnitKey dedupKey = default;
        if (idHash != 0)
        {
            dedupKey = DedupKey(ref r, idHash);
            input.Op = UnitOp.Dedup;
            input.TimeMs = r.TimestampMs;
            Rmw(_seen, ref dedupKey, ref input, ref output);
            if (output.Outcome == UnitOutcome.Duplicate)
            {
                return Divergence(replay, RejectionCode.Duplicate);
            }
        }

        var key = new UnitKey(experiment, r.UnitHash, r.IsExposure ? UnitKey.ExposureSlot : r.Metric + 1);
        RejectionCode code;
        if (!r.IsExposure)
        {
            // Fast path: the unit already has a value for this metric, which carries its variant.
            input.Op = UnitOp.Metric;
            input.Kind = shape.Kinds[r.Metric];
            input.Value = r.Value;
            input.Variant = r.Variant;
            input.TimeMs = r.TimestampMs;
            output = default;
            Rmw(_context, ref key, ref input, ref output);
            if (output.Outcome == UnitOutcome.Applied)
            {
                Sums(experiment, variants, metrics).Move(output.Variant, r.Metric, output.OldY, output.NewY, r.TimestampMs);
                log = true;
                return Divergence(replay, RejectionCode.None);
            }
            if (output.Outcome == UnitOutcome.Mismatch)
            {
                code = RejectionCode.VariantMismatch;
                goto Done;
            }
        }

        code = Resolve(ref r, experiment, variants, metrics, allowExpose, out int variant, ref log);
        if (code == RejectionCode.None && !r.IsExposure)
        {
            input.Op = UnitOp.MetricCreate;
            input.Kind = shape.Kinds[r.Metric];
            input.Value = r.Value;
            input.Variant = (short)variant;
            input.TimeMs = r.TimestampMs;
            output = default;
            Rmw(_context, ref key, ref input, ref output);
            Sums(experiment, variants, metrics).Move(variant, r.Metric, output.OldY, output.NewY, r.TimestampMs);
            log = true;
        }

    Done:
        if (!log && idHash != 0)
        {
            // Only logged records keep their event id marker: replay rebuilds exactly these.
            _seen.Delete(ref dedupKey);
        }
        return Divergence(replay, code);
    }

    /// <summary>Finds (or records) the unit's exposure: from the cache when known, else through the store.</summary>
    private RejectionCode Resolve(ref EventRecord r, int experiment, int variants, int metrics, bool allowExpose, out int variant, ref bool log)
    {
        ref var cached = ref _exposures[(int)(r.UnitHash & ((1UL << ExposureCacheBits) - 1))];
        if (cached.Key == r.UnitHash && cached.Experiment == experiment && cached.VariantPlusOne > 0)
        {
            variant = cached.VariantPlusOne - 1;
            return r.Variant >= 0 && r.Variant != variant ? RejectionCode.VariantMismatch : RejectionCode.None;
        }
        var key = new UnitKey(experiment, r.UnitHash, UnitKey.ExposureSlot);
        UnitInput input = default;
        input.Op = UnitOp.Resolve;
        input.Variant = r.Variant;
        input.AllowExpose = allowExpose;
        input.UseStored = r.IsExposure;
        input.TimeMs = r.TimestampMs;
        UnitOutput output = default;
        Rmw(_context, ref key, ref input, ref output);
        variant = output.Variant;
        switch (output.Outcome)
        {
            case UnitOutcome.NewlyExposed:
                Sums(experiment, variants, metrics).Expose(variant, r.TimestampMs);
                log = true;
                break;
            case UnitOutcome.AlreadyExposed:
                break;
            case UnitOutcome.Mismatch:
                return RejectionCode.VariantMismatch;
            case UnitOutcome.NotAllowed:
                return RejectionCode.ExperimentNotRunning;
            default:
                return RejectionCode.NotExposed;
        }
        cached.Key = r.UnitHash;
        cached.Experiment = experiment;
        cached.VariantPlusOne = variant + 1;
        return RejectionCode.None;
    }

    private RejectionCode ApplyStore(ref EventRecord r, out bool log)
    {
        log = false;
        if (r.Variant < 0)
        {
            return RejectionCode.UnknownVariant;
        }
        var key = new UnitKey(r.Experiment, r.UnitHash, UnitKey.ExposureSlot);
        UnitInput input = default;
        input.Op = UnitOp.Store;
        input.Variant = r.Variant;
        UnitOutput output = default;
        Rmw(_context, ref key, ref input, ref output);
        if (output.Outcome == UnitOutcome.Stored)
        {
            log = true;
        }
        _stored.TryAdd(r.Experiment, r.UnitHash, output.Variant);
        return RejectionCode.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private RejectionCode Divergence(bool replay, RejectionCode code)
    {
        if (replay && code != RejectionCode.None)
        {
            ReplayDivergences++;
        }
        return code;
    }

    // Not inlined: FASTER's RMW brings kilobytes of zero-initialized locals, paid by every caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Rmw(UnsafeContext<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> context, ref UnitKey key, ref UnitInput input, ref UnitOutput output)
    {
        var status = context.RMW(ref key, ref input, ref output);
        if (status.IsPending)
        {
            CompletePending(context, ref output);
        }
    }

    /// <summary>Store operations that had to wait for a read from disk.</summary>
    public long PendingOperations { get; private set; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CompletePending(UnsafeContext<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> context, ref UnitOutput output)
    {
        PendingOperations++;
        context.CompletePendingWithOutputs(out var completed, wait: true);
        try
        {
            while (completed.Next())
            {
                output = completed.Current.Output;
            }
        }
        finally
        {
            completed.Dispose();
        }
    }

    public void Dispose()
    {
        _seenSession.Dispose();
        _session.Dispose();
    }
}
