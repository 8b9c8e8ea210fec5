using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Engine.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Engine;

/// <summary>
/// The ingestion engine: routes records by unit hash to single-writer shards that keep unit state in FASTER
/// and moment sums per (experiment, variant, metric); appends the records that counted to the event log;
/// checkpoints and recovers. Also the <see cref="IAssignmentRecorder"/> of the assignment path.
/// </summary>
/// <remarks>
/// Batches are applied one at a time (the shards of one batch run in parallel), in the order their log
/// appends are issued, so each shard's apply order equals the log order and a replay reproduces the sums
/// bit for bit. The wait for durability happens outside that order, so concurrent batches share a group commit.
/// The engine does not own the log: disposing the engine leaves the log open.
/// </remarks>
public sealed partial class IngestEngine : IAssignmentRecorder, IAsyncDisposable
{
    private readonly IEventLog _log;
    private readonly Func<IIngestSchema> _schema;
    private readonly IngestEngineOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private StoredAssignments _stored = new();
    private UnitStore _store = null!;
    private Shard[] _shards = [];
    private ShardWorker[] _workers = [];
    private int _inFlight;
    private Task<long>? _lastAppend;
    private Exception? _fault;
    private Task _checkpointLoop = Task.CompletedTask;
    private bool _disposed;

    private IngestEngine(IEventLog log, Func<IIngestSchema> schema, IngestEngineOptions options)
    {
        _log = log;
        _schema = schema;
        _options = options;
        Shards = options.Shards;
    }

    /// <summary>Number of shards.</summary>
    public int Shards { get; }

    /// <summary>Completes when recovery is done and the engine takes batches.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Counters for /metrics.</summary>
    public IngestCounters Counters { get; } = new();

    /// <summary>Unit-store operations that waited for a read from disk (state beyond the in-memory log).</summary>
    public long StoreDiskReads
    {
        get
        {
            long n = 0;
            foreach (var s in Volatile.Read(ref _shards))
            {
                n += s.PendingOperations;
            }
            return n;
        }
    }

    /// <summary>The log position the newest checkpoint includes (0 when none).</summary>
    public long CheckpointPosition { get; private set; }

    /// <summary>
    /// Opens the engine and recovers it: loads the newest complete checkpoint and replays the log after its
    /// position. Completes when the engine is ready.
    /// </summary>
    public static async Task<IngestEngine> OpenAsync(IEventLog log, Func<IIngestSchema> schema, IngestEngineOptions options, CancellationToken ct = default)
    {
        var engine = Open(log, schema, options, ct);
        try
        {
            await engine.Ready.ConfigureAwait(false);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return engine;
    }

    /// <summary>
    /// Opens the engine and starts recovery in the background; <see cref="Ready"/> completes when it is done
    /// (a host answers /health/ready with 503 until then). Batches submitted earlier wait for it.
    /// </summary>
    public static IngestEngine Open(IEventLog log, Func<IIngestSchema> schema, IngestEngineOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var engine = new IngestEngine(log, schema, options);
        _ = Task.Run(() => engine.RecoverAsync(ct), CancellationToken.None);
        return engine;
    }

    private async Task RecoverAsync(CancellationToken ct)
    {
        try
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                long from = LoadNewestCheckpoint();
                CheckpointPosition = from;
                _workers = new ShardWorker[_shards.Length];
                for (int i = 1; i < _shards.Length; i++)
                {
                    _workers[i] = new ShardWorker(i, RunShard, ShardDone);
                }
                ReplayLocked(_shards, from);
            }
            finally
            {
                _gate.Release();
            }
            if (_options.Directory is not null && _options.CheckpointInterval > TimeSpan.Zero)
            {
                _checkpointLoop = CheckpointLoopAsync(_stopping.Token);
            }
            _pump = PumpLoopAsync(_stopping.Token);
            _ready.TrySetResult();
        }
        catch (Exception e)
        {
            _fault = e;
            _ready.TrySetException(e);
        }
    }

    /// <summary>The variant stored for the unit (sticky or bandit assignment), if any.</summary>
    public bool TryGetStoredVariant(int experiment, ulong unitHash, out int variant) => _stored.TryGet(experiment, unitHash, out variant);

    /// <summary>Moment sums of an experiment, added up over the shards (a racy but consistent-enough snapshot).</summary>
    public MomentSnapshot GetMoments(int experiment)
    {
        var schema = _schema();
        int variants = schema.GetVariantCount(experiment), metrics = schema.GetMetricCount(experiment);
        return MomentSnapshot.Sum(Volatile.Read(ref _shards), experiment, variants, metrics);
    }

    /// <summary>The per-hour deltas of one metric of an experiment, ordered by hour.</summary>
    public HourlySeries GetHourlySeries(int experiment, int metric)
    {
        var schema = _schema();
        int variants = schema.GetVariantCount(experiment);
        return HourlySeries.Sum(Volatile.Read(ref _shards), experiment, metric, variants);
    }

    /// <summary>Stops the timers and the assignment pump, cuts a final checkpoint (unless disabled) and releases the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            await _ready.Task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Recovery failed: release what exists.
        }
        if (_ready.Task.IsCompletedSuccessfully)
        {
            await FlushAssignmentsAsync().ConfigureAwait(false);
        }
        _stopping.Cancel();
        await IgnoreCancel(_checkpointLoop).ConfigureAwait(false);
        await IgnoreCancel(_pump).ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_ready.Task.IsCompletedSuccessfully && _options.CheckpointOnDispose && _options.Directory is not null && _fault is null)
            {
                await CheckpointLockedAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else if (_lastAppend is { } last)
            {
                await IgnoreCancel(last).ConfigureAwait(false);
            }
        }
        finally
        {
            // A checkpoint still flushing the store must end before the store is disposed.
            await AwaitCheckpointTailAsync().ConfigureAwait(false);
            foreach (var w in _workers)
            {
                w?.Dispose();
            }
            foreach (var s in _shards)
            {
                s.Dispose();
            }
            _store?.Dispose();
            _gate.Release();
            _stopping.Dispose();
        }
    }

    private static async Task IgnoreCancel(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
