using System.Runtime.CompilerServices;
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

    private readonly StoredAssignments _stored;
    private readonly ClientSession<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> _session;
    private ExperimentSums?[] _experiments = [];

    public Shard(int index, UnitStore store, StoredAssignments stored)
    {
        Index = index;
        _stored = stored;
        _session = store.NewSession();
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
        int variants = schema.GetVariantCount(experiment);
        int metrics = schema.GetMetricCount(experiment);
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
            switch (schema.GetStatus(experiment))
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
            dedupKey = new UnitKey(experiment, UnitKey.DedupHash(idHash, r.UnitHash), UnitKey.DedupSlot);
            input.Op = UnitOp.Dedup;
            input.TimeMs = r.TimestampMs;
            Rmw(ref dedupKey, ref input, ref output);
            if (output.Outcome == UnitOutcome.Duplicate)
            {
                return Divergence(replay, RejectionCode.Duplicate);
            }
        }

        var key = new UnitKey(experiment, r.UnitHash, UnitKey.ExposureSlot);
        input.Op = UnitOp.Resolve;
        input.Variant = r.Variant;
        input.AllowExpose = allowExpose;
        input.UseStored = r.IsExposure;
        input.TimeMs = r.TimestampMs;
        output = default;
        Rmw(ref key, ref input, ref output);
        RejectionCode code;
        switch (output.Outcome)
        {
            case UnitOutcome.NewlyExposed:
                Sums(experiment, variants, metrics).Expose(output.Variant, r.TimestampMs);
                log = true;
                code = RejectionCode.None;
                break;
            case UnitOutcome.AlreadyExposed:
                code = RejectionCode.None;
                break;
            case UnitOutcome.Mismatch:
                code = RejectionCode.VariantMismatch;
                break;
            case UnitOutcome.NotAllowed:
                code = RejectionCode.ExperimentNotRunning;
                break;
            default:
                code = RejectionCode.NotExposed;
                break;
        }

        if (code == RejectionCode.None && !r.IsExposure)
        {
            int variant = output.Variant;
            key.Slot = r.Metric + 1;
            input.Op = UnitOp.Metric;
            input.Kind = schema.GetMetricKind(experiment, r.Metric);
            input.Value = r.Value;
            output = default;
            Rmw(ref key, ref input, ref output);
            Sums(experiment, variants, metrics).Move(variant, r.Metric, output.OldY, output.NewY, r.TimestampMs);
            log = true;
        }

        if (!log && idHash != 0)
        {
            // Only logged records keep their event id marker: replay rebuilds exactly these.
            _session.Delete(ref dedupKey);
        }
        return Divergence(replay, code);
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
        Rmw(ref key, ref input, ref output);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Rmw(ref UnitKey key, ref UnitInput input, ref UnitOutput output)
    {
        var status = _session.RMW(ref key, ref input, ref output);
        if (status.IsPending)
        {
            CompletePending(ref output);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CompletePending(ref UnitOutput output)
    {
        _session.CompletePendingWithOutputs(out var completed, wait: true);
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

    public void Dispose() => _session.Dispose();
}
