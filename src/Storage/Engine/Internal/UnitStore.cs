using FASTER.core;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>
/// The FASTER key-value store of unit state, over a file device in its own directory, with fold-over
/// checkpoints managed (and purged) by the engine.
/// </summary>
internal sealed class UnitStore : IDisposable
{
    private readonly IDevice _device;
    private readonly DeviceLogCommitCheckpointManager _checkpoints;
    private readonly FasterKV<UnitKey, UnitValue> _kv;
    private readonly UnitFunctions _functions = new();
    private readonly bool _deleteOnDispose;

    public UnitStore(string directory, int memorySizeBits, int indexBits, bool deleteOnDispose)
    {
        Directory = directory;
        _deleteOnDispose = deleteOnDispose;
        System.IO.Directory.CreateDirectory(directory);
        _device = Devices.CreateLogDevice(Path.Combine(directory, "hlog.log"), preallocateFile: false, deleteOnClose: deleteOnDispose);
        _checkpoints = new DeviceLogCommitCheckpointManager(
            new LocalStorageNamedDeviceFactory(),
            new DefaultCheckpointNamingScheme(Path.Combine(directory, "checkpoints")));
        int pageBits = Math.Min(22, memorySizeBits - 3);
        _kv = new FasterKV<UnitKey, UnitValue>(
            1L << indexBits,
            new LogSettings
            {
                LogDevice = _device,
                ObjectLogDevice = null,
                PageSizeBits = pageBits,
                MemorySizeBits = memorySizeBits,
                SegmentSizeBits = Math.Max(pageBits, 28),
            },
            new CheckpointSettings { CheckpointManager = _checkpoints, RemoveOutdated = false },
            serializerSettings: null,
            comparer: UnitKeyComparer.Instance,
            concurrencyControlMode: ConcurrencyControlMode.None);
    }

    public string Directory { get; }

    public ClientSession<UnitKey, UnitValue, UnitInput, UnitOutput, Empty, UnitFunctions> NewSession()
        => _kv.For(_functions).NewSession<UnitFunctions>();

    /// <summary>Takes a fold-over full checkpoint; no session may be operating.</summary>
    /// <remarks>Not cancellable once started: a half-awaited checkpoint would block the next one.</remarks>
    public async Task<Guid> CheckpointAsync()
    {
        for (int attempt = 0; ; attempt++)
        {
            var (success, token) = await _kv.TakeFullCheckpointAsync(CheckpointType.FoldOver, CancellationToken.None).ConfigureAwait(false);
            if (success)
            {
                return token;
            }
            if (attempt == 3)
            {
                throw new InvalidOperationException("The unit-state store refused a checkpoint.");
            }
            // Another checkpoint is still running: let it finish, then take ours.
            await _kv.CompleteCheckpointAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public void Recover(Guid token) => _kv.Recover(token);

    public void Purge(Guid token) => _checkpoints.Purge(token);

    public void Dispose()
    {
        _kv.Dispose();
        _checkpoints.Dispose();
        _device.Dispose();
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
}
