using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Expothesis.Fast.Storage.Engine.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Engine;

public sealed partial class IngestEngine
{
    private readonly ConcurrentBag<EventBatch> _appendBatches = [];
    private readonly ManualResetEventSlim _allDone = new(false, 200);
    private int _pendingShards;

    // The batch being applied (valid while the gate is held).
    private EventBatch? _current;
    private Memory<RejectionCode> _currentOutcomes;
    private bool[] _logFlags = new bool[512];
    private IIngestSchema? _currentSchema;
    private bool _currentReplay;
    private Shard[] _currentShards = [];
    private int[][] _routes = [];
    private int[] _routeCounts = [];

    /// <summary>
    /// Applies a batch: every record gets its outcome in <paramref name="outcomes"/> (same index), the
    /// accepted records that changed state are appended to the log, and the call completes when they are
    /// durable. When <see cref="IngestEngineOptions.QueueCapacity"/> batches are already admitted, answers
    /// <see cref="IngestStatus.QueueFull"/> and applies nothing. The batch may be reused once this completes.
    /// <paramref name="ct"/> cancels only the wait for admission: once a batch is applied, its append runs to
    /// the end even if the caller gives up.
    /// </summary>
    public ValueTask<IngestResult> IngestAsync(EventBatch batch, Memory<RejectionCode> outcomes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(outcomes.Length, batch.Count, nameof(outcomes));
        if (Interlocked.Increment(ref _inFlight) > _options.QueueCapacity)
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref Counters._queueFull);
            return new(new IngestResult(IngestStatus.QueueFull, 0, 0, 0, _log.DurablePosition));
        }
        if (!_ready.Task.IsCompletedSuccessfully || !_gate.Wait(0, CancellationToken.None))
        {
            return IngestWaitingAsync(batch, outcomes, ct);
        }
        return IngestLocked(batch, outcomes);
    }

    private async ValueTask<IngestResult> IngestWaitingAsync(EventBatch batch, Memory<RejectionCode> outcomes, CancellationToken ct)
    {
        try
        {
            await _ready.Task.WaitAsync(ct).ConfigureAwait(false);
            await _gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _inFlight);
            throw;
        }
        return await IngestLocked(batch, outcomes).ConfigureAwait(false);
    }

    /// <summary>Runs with the gate held; releases it once the append is issued. Not cancellable from here on.</summary>
    private ValueTask<IngestResult> IngestLocked(EventBatch batch, Memory<RejectionCode> outcomes)
    {
        EventBatch? toLog;
        EventBatch? rented = null;
        int accepted = 0, rejected = 0, duplicates = 0;
        long position = 0;
        Task<long>? pending = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed && _stopping.IsCancellationRequested, this);
            ThrowIfFaulted();
            try
            {
                ApplyBatchLocked(_shards, batch, outcomes, replay: false);
            }
            catch (Exception e)
            {
                // A half-applied batch: state no longer matches the log until a rebuild.
                _fault ??= e;
                throw;
            }
            var span = outcomes.Span[..batch.Count];
            var flags = _logFlags.AsSpan(0, batch.Count);
            int logged = 0;
            for (int i = 0; i < span.Length; i++)
            {
                switch (span[i])
                {
                    case RejectionCode.None:
                        accepted++;
                        break;
                    case RejectionCode.Duplicate:
                        duplicates++;
                        break;
                    default:
                        rejected++;
                        break;
                }
                if (flags[i])
                {
                    logged++;
                }
            }
            if (logged == 0)
            {
                toLog = null;
            }
            else if (logged == batch.Count)
            {
                toLog = batch;
            }
            else
            {
                rented = RentAppendBatch();
                CopyLogged(batch, flags, rented);
                toLog = rented;
            }
            if (toLog is not null)
            {
                // Not cancellable: the batch is applied, so its records must reach the log (a client that
                // went away does not get to leave state ahead of the log).
                var append = _log.AppendAsync(toLog, CancellationToken.None);
                if (append.IsCompletedSuccessfully)
                {
                    position = append.Result;
                }
                else
                {
                    pending = append.AsTask();
                    _lastAppend = pending;
                }
            }
            else if (_lastAppend is { IsCompletedSuccessfully: false } last)
            {
                pending = last;
            }
        }
        catch
        {
            _gate.Release();
            Interlocked.Decrement(ref _inFlight);
            if (rented is not null)
            {
                ReturnAppendBatch(rented);
            }
            throw;
        }
        _gate.Release();

        if (pending is null)
        {
            if (rented is not null)
            {
                ReturnAppendBatch(rented);
            }
            return new(Complete(accepted, rejected, duplicates, toLog is null ? _log.DurablePosition : position));
        }
        return AwaitAppendAsync(pending, rented, accepted, rejected, duplicates, toLog is null);
    }

    private async ValueTask<IngestResult> AwaitAppendAsync(Task<long> append, EventBatch? rented, int accepted, int rejected, int duplicates, bool nothingLogged)
    {
        long pos;
        try
        {
            pos = await append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Interlocked.Decrement(ref _inFlight);
            if (!nothingLogged)
            {
                // Applied state is ahead of the log: refuse further batches and checkpoints until a rebuild.
                _fault ??= e;
            }
            throw;
        }
        finally
        {
            if (rented is not null)
            {
                ReturnAppendBatch(rented);
            }
        }
        return Complete(accepted, rejected, duplicates, nothingLogged ? _log.DurablePosition : pos);
    }

    private IngestResult Complete(int accepted, int rejected, int duplicates, long position)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Add(ref Counters._accepted, accepted);
        Interlocked.Add(ref Counters._rejected, rejected);
        Interlocked.Add(ref Counters._duplicates, duplicates);
        Interlocked.Increment(ref Counters._batches);
        return new IngestResult(IngestStatus.Completed, accepted, rejected, duplicates, position);
    }

    private void ThrowIfFaulted()
    {
        if (_fault is { } f)
        {
            throw new InvalidOperationException("The ingestion engine is faulted (a log append failed); rebuild or restart it.", f);
        }
    }

    private EventBatch RentAppendBatch() => _appendBatches.TryTake(out var b) ? b : new EventBatch(512, 16384);

    private void ReturnAppendBatch(EventBatch b)
    {
        b.Clear();
        _appendBatches.Add(b);
    }

    private static void CopyLogged(EventBatch from, ReadOnlySpan<bool> flags, EventBatch to)
    {
        to.UnitHashesFromIds = from.UnitHashesFromIds;
        var records = from.Records;
        for (int i = 0; i < records.Length; i++)
        {
            if (!flags[i])
            {
                continue;
            }
            ref readonly var src = ref records[i];
            ref var dst = ref to.Add();
            dst = src;
            dst.UnitIdOffset = to.AppendBytes(from.UnitId(in src));
            dst.EventIdOffset = src.EventIdLength > 0 ? to.AppendBytes(from.EventId(in src)) : 0;
        }
    }

    /// <summary>Applies every record of <paramref name="batch"/> to <paramref name="shards"/>; the gate is held.</summary>
    private void ApplyBatchLocked(Shard[] shards, EventBatch batch, Memory<RejectionCode> outcomes, bool replay)
    {
        int count = batch.Count;
        if (_logFlags.Length < count)
        {
            _logFlags = new bool[Math.Max(count, _logFlags.Length * 2)];
        }
        _current = batch;
        _currentOutcomes = outcomes;
        _currentSchema = _schema();
        _currentReplay = replay;
        _currentShards = shards;
        try
        {
            int n = shards.Length;
            if (n == 1)
            {
                ApplyRun(shards[0], batch, Identity(count), outcomes.Span, _currentSchema, replay);
                return;
            }
            Route(batch, n);
            int signalled = 0;
            for (int s = 1; s < n; s++)
            {
                if (_routeCounts[s] > 0)
                {
                    signalled++;
                }
            }
            if (signalled > 0)
            {
                _allDone.Reset();
                Volatile.Write(ref _pendingShards, signalled);
                for (int s = 1; s < n; s++)
                {
                    if (_routeCounts[s] > 0)
                    {
                        _workers[s].Signal();
                    }
                }
            }
            RunShard(0);
            if (signalled > 0)
            {
                _allDone.Wait();
                for (int s = 1; s < n; s++)
                {
                    if (_workers[s].Error is { } e)
                    {
                        _workers[s].Error = null;
                        throw new InvalidOperationException("A shard failed to apply a batch.", e);
                    }
                }
            }
        }
        finally
        {
            _current = null;
            _currentSchema = null;
            _currentOutcomes = default;
        }
    }

    private void Route(EventBatch batch, int n)
    {
        int count = batch.Count;
        if (_routes.Length != n)
        {
            _routes = new int[n][];
            _routeCounts = new int[n];
            for (int s = 0; s < n; s++)
            {
                _routes[s] = new int[Math.Max(64, count)];
            }
        }
        var counts = _routeCounts.AsSpan();
        counts.Clear();
        var records = batch.Records;
        for (int i = 0; i < records.Length; i++)
        {
            int s = ShardOf(records[i].UnitHash, n);
            var route = _routes[s];
            if (counts[s] == route.Length)
            {
                Array.Resize(ref _routes[s], route.Length * 2);
                route = _routes[s];
            }
            route[counts[s]++] = i;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ShardOf(ulong unitHash, int shards) => (int)Math.BigMul(unitHash, (ulong)shards, out _);

    private void RunShard(int s)
    {
        var route = _routes[s].AsSpan(0, _routeCounts[s]);
        if (!route.IsEmpty)
        {
            ApplyRun(_currentShards[s], _current!, route, _currentOutcomes.Span, _currentSchema!, _currentReplay);
        }
    }

    // 0, 1, 2, ...: the route of a single shard, which takes every record of the batch.
    private int[] _identity = [];

    private ReadOnlySpan<int> Identity(int count)
    {
        if (_identity.Length < count)
        {
            _identity = new int[Math.Max(count, 512)];
            for (int i = 0; i < _identity.Length; i++)
            {
                _identity[i] = i;
            }
        }
        return _identity.AsSpan(0, count);
    }

    /// <summary>Applies the records <paramref name="route"/> names to <paramref name="shard"/>, prefetching store lines ahead.</summary>
    private void ApplyRun(Shard shard, EventBatch batch, ReadOnlySpan<int> route, Span<RejectionCode> outcomes, IIngestSchema schema, bool replay)
    {
        var flags = _logFlags;
        var records = batch.Records;
        shard.BeginRun(schema);
        try
        {
            const int D = Shard.PrefetchDistance;
            for (int k = 0; k < Math.Min(D, route.Length); k++)
            {
                shard.PrefetchBucket(ref records[route[k]]);
            }
            for (int k = 0; k < route.Length; k++)
            {
                if (k + D < route.Length)
                {
                    shard.Prefetch(ref records[route[k + D]], ref records[route[k + (D / 2)]]);
                }
                int i = route[k];
                ref var r = ref records[i];
                outcomes[i] = shard.Apply(ref r, batch.EventId(in r), schema, replay, out flags[i]);
            }
        }
        finally
        {
            shard.EndRun();
        }
    }

    private void ShardDone()
    {
        if (Interlocked.Decrement(ref _pendingShards) == 0)
        {
            _allDone.Set();
        }
    }

    /// <summary>Replays the log from <paramref name="from"/> into <paramref name="shards"/>; the gate is held.</summary>
    private void ReplayLocked(Shard[] shards, long from)
    {
        var scratch = new RejectionCode[512];
        _log.Replay(from, (block, _) =>
        {
            if (scratch.Length < block.Count)
            {
                scratch = new RejectionCode[Math.Max(block.Count, scratch.Length * 2)];
            }
            ApplyBatchLocked(shards, block, scratch, replay: true);
            Interlocked.Add(ref Counters._replayed, block.Count);
        });
    }
}
