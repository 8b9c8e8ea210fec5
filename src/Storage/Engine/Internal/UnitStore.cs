using FASTER.core;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>The FASTER checkpoint tokens of one <see cref="UnitStore"/> checkpoint (unit state and seen event ids).</summary>
internal readonly record struct StoreToken(Guid Units, Guid Seen);

/// <summary>
/// The FASTER key-value stores of unit state, over file devices in their own directory, with fold-over
/// checkpoints managed (and purged) by the engine. Two stores: per-unit state (exposure, per-metric y), the hot
/// working set of every event; and the seen event-id markers, which only grow. Kept apart so that a stream of
/// event ids never pushes unit state out of memory (a marker per event would otherwise fill the unit store's
/// in-memory log and every unit operation would start reading from disk).
/// </summary>
internal sealed class UnitStore : IDisposable
{
    private readonly Part _units;
    private readonly Part _seen;
    private readonly UnitFunctions _functions = new();
    private readonly bool _deleteOnDispose;

    public UnitStore(string directory, UnitStoreSizes sizes, bool deleteOnDispose)
    {
        Directory = directory;
        _deleteOnDispose = deleteOnDispose;
        System.IO.Directory.CreateDirectory(directory);
        _units = new Part(directory, "hlog.log", "checkpoints", sizes.UnitMemoryBits, sizes.UnitIndexBits, deleteOnDispose);
        _seen = new Part(directory, "seen.log", "seen-checkpoints", sizes.SeenMemoryBits, sizes.SeenIndexBits, deleteOnDispose);
    }

    public string Directory { get; }

    /// <summary>Prefetch into the unit store's index and log (null where FASTER's internals are not as expected).</summary>
    public StorePrefetcher? Prefetcher => _units.Prefetcher;

    /// <summary>Prefetch into the seen-id store's index.</summary>
    public StorePrefetcher? SeenPrefetcher => _seen.Prefetcher;

    public ClientSession<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> NewSession()
        => _units.Kv.For(_functions).NewSession<UnitFunctions>();

    public ClientSession<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> NewSeenSession()
        => _seen.Kv.For(_functions).NewSession<UnitFunctions>();

    /// <summary>
    /// Starts fold-over full checkpoints of both stores and returns once both have switched to the next version:
    /// every operation so far is in the checkpoint, every later one is not. No session may be operating until
    /// then; afterwards they may, while <c>Completion</c> (the flush of the checkpointed state) runs.
    /// </summary>
    /// <remarks>Not cancellable once started: a half-awaited checkpoint would block the next one.</remarks>
    public async Task<(StoreToken Token, Task Completion)> CutCheckpointAsync()
    {
        var (units, unitsDone) = await _units.CutAsync().ConfigureAwait(false);
        var (seen, seenDone) = await _seen.CutAsync().ConfigureAwait(false);
        return (new StoreToken(units, seen), Task.WhenAll(unitsDone, seenDone));
    }

    public void Recover(StoreToken token)
    {
        _units.Kv.Recover(token.Units);
        _seen.Kv.Recover(token.Seen);
    }

    public void Purge(StoreToken token)
    {
        _units.Checkpoints.Purge(token.Units);
        _seen.Checkpoints.Purge(token.Seen);
    }

    public void Dispose()
    {
        _units.Dispose();
        _seen.Dispose();
        if (_deleteOnDispose)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>One FasterKV with its device and checkpoint manager.</summary>
    private sealed class Part : IDisposable
    {
        private readonly IDevice _device;

        public Part(string directory, string logFile, string checkpointFolder, int memorySizeBits, int indexBits, bool deleteOnDispose)
        {
            _device = Devices.CreateLogDevice(Path.Combine(directory, logFile), preallocateFile: false, deleteOnClose: deleteOnDispose);
            Checkpoints = new DeviceLogCommitCheckpointManager(
                new LocalStorageNamedDeviceFactory(),
                new DefaultCheckpointNamingScheme(Path.Combine(directory, checkpointFolder)));
            int pageBits = Math.Min(22, memorySizeBits - 3);
            Kv = new FasterKV<UnitKey, UnitValue>(
                1L << indexBits,
                new LogSettings
                {
                    LogDevice = _device,
                    ObjectLogDevice = null,
                    PageSizeBits = pageBits,
                    MemorySizeBits = memorySizeBits,
                    SegmentSizeBits = Math.Max(pageBits, 28),
                },
                new CheckpointSettings { CheckpointManager = Checkpoints, RemoveOutdated = false },
                serializerSettings: null,
                comparer: UnitKeyComparer.Instance,
                concurrencyControlMode: ConcurrencyControlMode.None);
            Prefetcher = StorePrefetcher.TryCreate(Kv);
            Prefetcher?.AdviseHugePages();
        }

        public FasterKV<UnitKey, UnitValue> Kv { get; }

        public DeviceLogCommitCheckpointManager Checkpoints { get; }

        public StorePrefetcher? Prefetcher { get; }

        public async Task<(Guid Token, Task Completion)> CutAsync()
        {
            for (int attempt = 0; ; attempt++)
            {
                long version = Kv.CurrentVersion;
                if (Kv.TryInitiateFullCheckpoint(out Guid token, CheckpointType.FoldOver))
                {
                    // Driving the state machine from this (non-session) thread moves it through the version switch
                    // to the flush, which then completes in the background.
                    Task completion = Kv.CompleteCheckpointAsync(CancellationToken.None).AsTask();
                    while (Kv.CurrentVersion == version && !completion.IsCompleted)
                    {
                        await Task.Delay(1).ConfigureAwait(false);
                    }
                    return (token, completion);
                }
                if (attempt == 3)
                {
                    throw new InvalidOperationException("The unit-state store refused a checkpoint.");
                }
                // Another checkpoint is still running: let it finish, then take ours.
                await Kv.CompleteCheckpointAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            Kv.Dispose();
            Checkpoints.Dispose();
            _device.Dispose();
        }
    }
}

/// <summary>Log2 sizes of the two stores' in-memory logs and hash indexes.</summary>
internal readonly record struct UnitStoreSizes(int UnitMemoryBits, int UnitIndexBits, int SeenMemoryBits, int SeenIndexBits);
