using Expothesis.Fast.Storage.Engine.Internal;

namespace Expothesis.Fast.Storage.Engine;

public sealed partial class IngestEngine
{
    private const string CurrentFile = "CURRENT";
    private const string CheckpointFolder = "checkpoints";
    private int _generation;
    private long _checkpointSequence;

    private string CheckpointDir => Path.Combine(_options.Directory!, CheckpointFolder);

    private string StoreDir(int generation) => Path.Combine(_options.Directory!, $"store-{generation}");

    private UnitStore CreateStore(int generation)
    {
        if (_options.Directory is null)
        {
            string temp = Path.Combine(Path.GetTempPath(), "expothesis-units-" + Guid.NewGuid().ToString("N"));
            return new UnitStore(temp, _options.StoreSizes, deleteOnDispose: true);
        }
        string dir = StoreDir(generation);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        return new UnitStore(dir, _options.StoreSizes, deleteOnDispose: false);
    }

    private Shard[] CreateShards(UnitStore store, StoredAssignments stored)
    {
        var shards = new Shard[_options.Shards];
        for (int i = 0; i < shards.Length; i++)
        {
            shards[i] = new Shard(i, store, stored);
        }
        return shards;
    }

    /// <summary>Loads the newest complete checkpoint into a recovered store and shards; returns the log position to replay from.</summary>
    private long LoadNewestCheckpoint()
    {
        if (_options.Directory is null)
        {
            _store = CreateStore(0);
            _shards = CreateShards(_store, _stored);
            return 0;
        }
        Directory.CreateDirectory(CheckpointDir);
        foreach (string path in ListCheckpoints())
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path).AsSpan(5), out long seq))
            {
                _checkpointSequence = Math.Max(_checkpointSequence, seq);
            }
        }
        foreach (string path in CheckpointCandidates())
        {
            var file = CheckpointFile.TryRead(path);
            if (file is not null && file.LogPosition > _log.DurablePosition)
            {
                // Beyond the durable end of the log (its tail was cut as torn): state the log no longer has.
                File.Delete(path);
                continue;
            }
            if (file is null || !Directory.Exists(StoreDir(file.Generation)))
            {
                continue;
            }
            UnitStore? store = null;
            try
            {
                store = new UnitStore(StoreDir(file.Generation), _options.StoreSizes, deleteOnDispose: false);
                store.Recover(file.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                store?.Dispose();
                continue;
            }
            _store = store;
            _generation = file.Generation;
            _shards = CreateShards(store, _stored);
            for (int s = 0; s < file.Shards.Length; s++)
            {
                _shards[s % _shards.Length].Load(file.Shards[s]);
            }
            foreach (var (experiment, unit, variant) in file.Stored)
            {
                _stored.TryAdd(experiment, unit, variant);
            }
            return file.LogPosition;
        }
        // No usable checkpoint: rebuild everything from the log into a fresh generation.
        int gen = 0;
        foreach (string dir in Directory.EnumerateDirectories(_options.Directory, "store-*"))
        {
            if (int.TryParse(Path.GetFileName(dir).AsSpan(6), out int g))
            {
                gen = Math.Max(gen, g + 1);
            }
        }
        _generation = gen;
        _store = CreateStore(gen);
        _shards = CreateShards(_store, _stored);
        return 0;
    }

    private IEnumerable<string> CheckpointCandidates()
    {
        string current = Path.Combine(_options.Directory!, CurrentFile);
        string? named = null;
        if (File.Exists(current))
        {
            named = Path.Combine(CheckpointDir, File.ReadAllText(current).Trim());
            yield return named;
        }
        foreach (string path in ListCheckpoints().Reverse())
        {
            if (path != named)
            {
                yield return path;
            }
        }
    }

    private string[] ListCheckpoints()
    {
        var files = Directory.GetFiles(CheckpointDir, "ckpt-*.bin");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// Cuts a checkpoint now: at a batch boundary, once every applied record is durable in the log, both FASTER
    /// stores switch to a new version (the cut) and the sums are serialized with the log position they include;
    /// batches wait only for that. The stores' flush, the checkpoint file, the switch of <c>CURRENT</c> and the
    /// pruning of older checkpoints follow while batches are applied again; the call completes when all is done.
    /// In-memory engines do nothing.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken ct = default)
    {
        await _ready.Task.WaitAsync(ct).ConfigureAwait(false);
        if (_options.Directory is null)
        {
            return;
        }
        Task finish;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            finish = await CutLockedAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
        await finish.ConfigureAwait(false);
    }

    /// <summary>A whole checkpoint with the gate held throughout (rebuild, dispose).</summary>
    private async Task CheckpointLockedAsync(CancellationToken ct)
    {
        var finish = await CutLockedAsync(ct).ConfigureAwait(false);
        await finish.ConfigureAwait(false);
    }

    // The end of the newest checkpoint (flush, file, prune): the next cut, a rebuild and dispose wait for it.
    private Task _checkpointTail = Task.CompletedTask;

    /// <summary>The cut, with the gate held; returns the task that finishes the checkpoint (the gate is not needed for it).</summary>
    private async Task<Task> CutLockedAsync(CancellationToken ct)
    {
        // Cancellable until the store checkpoint starts; from there it runs to the end.
        ct.ThrowIfCancellationRequested();
        await AwaitCheckpointTailAsync().ConfigureAwait(false);
        if (_lastAppend is { } last)
        {
            await last.ConfigureAwait(false);
        }
        ThrowIfFaulted();
        long position = _log.DurablePosition;
        var store = _store;
        int generation = _generation;
        var (token, flushed) = await store.CutCheckpointAsync().ConfigureAwait(false);
        long sequence = ++_checkpointSequence;
        byte[] file = CheckpointFile.Serialize(sequence, generation, token, position, _shards, _stored);
        var finish = FinishCheckpointAsync(flushed, file, sequence, position, store, generation);
        _checkpointTail = finish;
        return finish;
    }

    private async Task FinishCheckpointAsync(Task flushed, byte[] file, long sequence, long position, UnitStore store, int generation)
    {
        await flushed.ConfigureAwait(false);
        string name = CheckpointFile.FileName(sequence);
        CheckpointFile.Write(Path.Combine(CheckpointDir, name), file);
        string current = Path.Combine(_options.Directory!, CurrentFile);
        await File.WriteAllTextAsync(current + ".tmp", name, CancellationToken.None).ConfigureAwait(false);
        File.Move(current + ".tmp", current, overwrite: true);
        CheckpointPosition = position;
        Interlocked.Increment(ref Counters._checkpoints);
        Prune(store, generation);
    }

    /// <summary>Waits for the newest checkpoint to finish; its failure was (or will be) reported to its own caller.</summary>
    private async Task AwaitCheckpointTailAsync()
    {
        try
        {
            await _checkpointTail.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
        }
    }

    private void Prune(UnitStore store, int generation)
    {
        var files = ListCheckpoints();
        int keep = _options.CheckpointsToKeep;
        var keptGenerations = new HashSet<int> { generation };
        for (int i = 0; i < files.Length; i++)
        {
            var file = CheckpointFile.TryRead(files[i]);
            bool drop = i < files.Length - keep;
            if (!drop && file is not null)
            {
                keptGenerations.Add(file.Generation);
                continue;
            }
            if (drop)
            {
                if (file is not null && file.Generation == generation)
                {
                    try
                    {
                        store.Purge(file.Token);
                    }
                    catch (IOException)
                    {
                    }
                }
                File.Delete(files[i]);
            }
        }
        foreach (string dir in Directory.EnumerateDirectories(_options.Directory!, "store-*"))
        {
            if (int.TryParse(Path.GetFileName(dir).AsSpan(6), out int g) && !keptGenerations.Contains(g))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private async Task CheckpointLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.CheckpointInterval);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await CheckpointAsync(ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Faulted engine: no checkpoint until a rebuild.
            }
            catch (IOException)
            {
                // Disk trouble: the next tick retries; the log still holds everything.
            }
        }
    }

    /// <summary>
    /// Recomputes all state from the log alone into a fresh unit store, fresh sums and a fresh stored-assignment
    /// mirror, and swaps them in (batches wait meanwhile). With a directory, a checkpoint of the new state follows.
    /// </summary>
    public async Task RebuildAsync(CancellationToken ct = default)
    {
        await _ready.Task.WaitAsync(ct).ConfigureAwait(false);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_lastAppend is { } last)
            {
                try
                {
                    await last.ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The failed append is why we rebuild: the log is the truth.
                }
            }
            // A checkpoint still flushing the current store must end before that store is replaced and disposed.
            await AwaitCheckpointTailAsync().ConfigureAwait(false);
            int gen = _generation + 1;
            var store = CreateStore(gen);
            var stored = new StoredAssignments();
            var shards = CreateShards(store, stored);
            try
            {
                ReplayLocked(shards, 0);
            }
            catch
            {
                foreach (var s in shards)
                {
                    s.Dispose();
                }
                store.Dispose();
                throw;
            }
            var oldShards = _shards;
            var oldStore = _store;
            Volatile.Write(ref _stored, stored);
            Volatile.Write(ref _shards, shards);
            _store = store;
            _generation = gen;
            _fault = null;
            _lastAppend = null;
            foreach (var s in oldShards)
            {
                s.Dispose();
            }
            oldStore.Dispose();
            if (_options.Directory is not null)
            {
                await CheckpointLockedAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
