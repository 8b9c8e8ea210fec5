using Expothesis.Fast.Storage.Engine.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Engine;

public sealed partial class IngestEngine
{
    private readonly Lock _recordLock = new();
    private readonly SemaphoreSlim _pumpLock = new(1, 1);
    private readonly SemaphoreSlim _pumpSignal = new(0, 1);
    private EventBatch _pendingRecords = new(256, 8192);
    private EventBatch _drainingRecords = new(256, 8192);
    private RejectionCode[] _pumpOutcomes = new RejectionCode[256];
    private Task _pump = Task.CompletedTask;

    /// <summary>
    /// Records an assignment from the assignment path. With <paramref name="expose"/> an exposure record goes
    /// through the same path as an exposure event (logged and counted once); with <paramref name="store"/> the
    /// assignment is stored (first one wins, visible at once to <see cref="TryGetStoredVariant"/>) and logged
    /// as a record with metric -2 so it survives restarts. Synchronous: the records are queued and applied by
    /// a background pump within milliseconds, without waiting for durability (an assignment acknowledged
    /// just before a crash may be forgotten; <see cref="FlushAssignmentsAsync"/> waits for them).
    /// </summary>
    public void Record(int experiment, ulong unitHash, ReadOnlySpan<byte> unitIdUtf8, int variant, bool expose, bool store, long timestampMs)
    {
        if (variant < 0 || (!expose && !store))
        {
            return;
        }
        bool storeIt = store && _stored.TryAdd(experiment, unitHash, variant);
        if (!expose && !storeIt)
        {
            return;
        }
        lock (_recordLock)
        {
            var batch = _pendingRecords;
            int unitOffset = batch.AppendBytes(unitIdUtf8);
            if (storeIt)
            {
                Add(batch, experiment, unitHash, unitOffset, unitIdUtf8.Length, variant, Shard.StoreMetric, timestampMs);
            }
            if (expose)
            {
                Add(batch, experiment, unitHash, unitOffset, unitIdUtf8.Length, variant, EventRecord.ExposureMetric, timestampMs);
            }
        }
        if (_pumpSignal.CurrentCount == 0)
        {
            try
            {
                _pumpSignal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }

        static void Add(EventBatch batch, int experiment, ulong unitHash, int unitOffset, int unitLength, int variant, short metric, long timestampMs)
        {
            ref var r = ref batch.Add();
            r.Experiment = experiment;
            r.UnitHash = unitHash;
            r.UnitIdOffset = unitOffset;
            r.UnitIdLength = unitLength;
            r.Variant = (short)variant;
            r.Metric = metric;
            r.Value = 1;
            r.TimestampMs = timestampMs;
        }
    }

    /// <summary>Applies every assignment recorded so far and waits until it is durable.</summary>
    public async Task FlushAssignmentsAsync(CancellationToken ct = default)
    {
        await _pumpLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            EventBatch batch;
            lock (_recordLock)
            {
                batch = _pendingRecords;
                _pendingRecords = _drainingRecords;
                _drainingRecords = batch;
            }
            if (batch.Count == 0)
            {
                return;
            }
            if (_pumpOutcomes.Length < batch.Count)
            {
                _pumpOutcomes = new RejectionCode[batch.Count];
            }
            while (true)
            {
                var result = await IngestAsync(batch, _pumpOutcomes, ct).ConfigureAwait(false);
                if (result.Status == IngestStatus.Completed)
                {
                    break;
                }
                await Task.Delay(5, ct).ConfigureAwait(false);
            }
            batch.Clear();
        }
        finally
        {
            _pumpLock.Release();
        }
    }

    private async Task PumpLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await _pumpSignal.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await FlushAssignmentsAsync(ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Faulted engine: the records stay queued until a rebuild or restart.
            }
        }
    }
}
