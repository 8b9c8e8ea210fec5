using System.Security.Cryptography;
using System.Text.Json;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Catalog.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>A lifecycle transition (API.md "Lifecycle").</summary>
public enum ExperimentTransition
{
    /// <summary><c>draft → running</c>.</summary>
    Start,
    /// <summary><c>running → paused</c>.</summary>
    Pause,
    /// <summary><c>paused → running</c>.</summary>
    Resume,
    /// <summary><c>running | paused → stopped</c> (final).</summary>
    Stop,
    /// <summary><c>draft | stopped → archived</c>.</summary>
    Archive,
}

/// <summary>
/// The experiment catalog: create, edit, lifecycle and archive, each validated, versioned, audited and
/// persisted atomically before it becomes visible. Readers use <see cref="Current"/>, an immutable
/// <see cref="CatalogSnapshot"/> swapped on every change; <see cref="Changed"/> fires after each swap.
/// Works in process without HTTP ("embedded mode").
/// </summary>
public sealed class ExperimentCatalog : IDisposable
{
    private readonly CatalogStore? _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<CompiledExperiment> _experiments = [];
    private readonly Dictionary<string, List<AuditEntry>> _history = new(StringComparer.Ordinal);
    private CatalogSnapshot _current;

    private ExperimentCatalog(CatalogStore? store, TimeProvider? time)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
        _current = new CatalogSnapshot(0, []);
    }

    /// <summary>Fires after every change with the new snapshot (in change order, on the writer's thread).</summary>
    public event Action<CatalogSnapshot>? Changed;

    /// <summary>The current snapshot.</summary>
    public CatalogSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Whether changes are written to disk.</summary>
    public bool IsPersistent => _store is not null;

    /// <summary>
    /// Opens (or creates) the catalog kept in <paramref name="directory"/> (the catalog's own folder).
    /// With <see cref="Durability.None"/> nothing is read or written: the catalog lives in memory.
    /// </summary>
    public static Task<ExperimentCatalog> OpenAsync(string directory, Durability durability, CancellationToken ct = default)
        => OpenAsync(directory, durability, null, ct);

    /// <summary>Opens the catalog with a clock (tests).</summary>
    public static Task<ExperimentCatalog> OpenAsync(string directory, Durability durability, TimeProvider? time, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ct.ThrowIfCancellationRequested();
        if (durability == Durability.None)
        {
            return Task.FromResult(CreateInMemory(time));
        }
        var store = new CatalogStore(directory, durability);
        try
        {
            var (file, history) = store.Load();
            var catalog = new ExperimentCatalog(store, time);
            catalog.Restore(file, history);
            return Task.FromResult(catalog);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>A catalog that keeps everything in memory (tests, benchmarks, durability <c>none</c>).</summary>
    public static ExperimentCatalog CreateInMemory(TimeProvider? time = null) => new(null, time);

    /// <summary>The experiment with that id or key; throws <see cref="CatalogException"/> (NotFound) otherwise.</summary>
    public CompiledExperiment Get(string idOrKey)
        => Current.TryGet(idOrKey, out var experiment) ? experiment : throw CatalogException.NotFound(idOrKey);

    /// <summary>The audit trail of an experiment, oldest first.</summary>
    public IReadOnlyList<AuditEntry> GetHistory(string idOrKey)
    {
        var experiment = Get(idOrKey);
        lock (_history)
        {
            return _history.TryGetValue(experiment.Id, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Creates an experiment in <c>draft</c>.</summary>
    public async Task<CompiledExperiment> CreateAsync(ExperimentSpec spec, CancellationToken ct = default)
    {
        var validated = ExperimentValidator.Validate(spec);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var snapshot = _current;
            if (snapshot.TryGet(validated.Key, out var existing))
            {
                throw CatalogException.DuplicateKey(validated.Key, existing.Id);
            }
            var now = _time.GetUtcNow();
            string id;
            do
            {
                id = "exp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            }
            while (snapshot.TryGet(id, out _));
            var record = new ExperimentRecord
            {
                Id = id,
                Key = validated.Key,
                Name = validated.Definition.Name,
                Ordinal = _experiments.Count,
                Status = ExperimentStatus.Draft,
                Version = 1,
                CreatedAt = now,
                UpdatedAt = now,
            }.WithSpec(validated.Normalized);
            var compiled = Compile(record, validated, null);
            Commit(compiled, "created", isNew: true);
            return compiled;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Edits an experiment. In <c>draft</c> the spec replaces the definition (a missing key keeps the key).
    /// Later only name, description and hypothesis may change: other fields may be omitted or repeated
    /// unchanged; a change to them is a conflict (409).
    /// </summary>
    public async Task<CompiledExperiment> UpdateAsync(string idOrKey, ExperimentSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = _current.TryGet(idOrKey, out var e) ? e : throw CatalogException.NotFound(idOrKey);
            var now = _time.GetUtcNow();
            CompiledExperiment compiled;
            if (current.Status == ExperimentStatus.Draft)
            {
                var validated = ExperimentValidator.Validate(spec with { Key = spec.Key ?? current.Key });
                if (!string.Equals(validated.Key, current.Key, StringComparison.Ordinal)
                    && _current.TryGet(validated.Key, out var other))
                {
                    throw CatalogException.DuplicateKey(validated.Key, other.Id);
                }
                var record = current.Record with { Version = current.Version + 1, UpdatedAt = now };
                compiled = Compile(record.WithSpec(validated.Normalized), validated, null);
            }
            else
            {
                if (current.Status == ExperimentStatus.Archived)
                {
                    throw CatalogException.Conflict("An archived experiment cannot be edited.", "status");
                }
                var old = current.Record.ToSpec();
                var merged = new ExperimentSpec
                {
                    Key = spec.Key ?? old.Key,
                    Name = spec.Name ?? old.Name,
                    Description = spec.Description ?? old.Description,
                    Hypothesis = spec.Hypothesis ?? old.Hypothesis,
                    Variants = spec.Variants ?? old.Variants,
                    Metrics = spec.Metrics ?? old.Metrics,
                    Assignment = spec.Assignment ?? old.Assignment,
                    Analysis = spec.Analysis ?? old.Analysis,
                    Bandit = spec.Bandit ?? old.Bandit,
                };
                var validated = ExperimentValidator.Validate(merged);
                var changed = ChangedLockedFields(old, validated.Normalized);
                if (changed.Count > 0)
                {
                    string message = $"Only name, description and hypothesis can change once an experiment has started (status {CatalogNames.ToWire(current.Status)}).";
                    throw new CatalogException(CatalogErrorKind.Conflict, message, changed.ToDictionary(static f => f, _ => new[] { "cannot change after start" }));
                }
                var record = current.Record with { Version = current.Version + 1, UpdatedAt = now };
                compiled = Compile(record.WithSpec(validated.Normalized), validated, current);
            }
            Commit(compiled, "updated", isNew: false);
            return compiled;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary><c>draft → running</c>.</summary>
    public Task<CompiledExperiment> StartAsync(string idOrKey, CancellationToken ct = default) => TransitionAsync(idOrKey, ExperimentTransition.Start, ct);

    /// <summary><c>running → paused</c>.</summary>
    public Task<CompiledExperiment> PauseAsync(string idOrKey, CancellationToken ct = default) => TransitionAsync(idOrKey, ExperimentTransition.Pause, ct);

    /// <summary><c>paused → running</c>.</summary>
    public Task<CompiledExperiment> ResumeAsync(string idOrKey, CancellationToken ct = default) => TransitionAsync(idOrKey, ExperimentTransition.Resume, ct);

    /// <summary><c>running | paused → stopped</c>.</summary>
    public Task<CompiledExperiment> StopAsync(string idOrKey, CancellationToken ct = default) => TransitionAsync(idOrKey, ExperimentTransition.Stop, ct);

    /// <summary><c>draft | stopped → archived</c>.</summary>
    public Task<CompiledExperiment> ArchiveAsync(string idOrKey, CancellationToken ct = default) => TransitionAsync(idOrKey, ExperimentTransition.Archive, ct);

    /// <summary>Applies a lifecycle transition; an invalid one throws <see cref="CatalogException"/> (Conflict).</summary>
    public async Task<CompiledExperiment> TransitionAsync(string idOrKey, ExperimentTransition transition, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = _current.TryGet(idOrKey, out var e) ? e : throw CatalogException.NotFound(idOrKey);
            var from = current.Status;
            (ExperimentStatus to, string action, bool ok) = transition switch
            {
                ExperimentTransition.Start => (ExperimentStatus.Running, "started", from == ExperimentStatus.Draft),
                ExperimentTransition.Pause => (ExperimentStatus.Paused, "paused", from == ExperimentStatus.Running),
                ExperimentTransition.Resume => (ExperimentStatus.Running, "resumed", from == ExperimentStatus.Paused),
                ExperimentTransition.Stop => (ExperimentStatus.Stopped, "stopped", from is ExperimentStatus.Running or ExperimentStatus.Paused),
                ExperimentTransition.Archive => (ExperimentStatus.Archived, "archived", from is ExperimentStatus.Draft or ExperimentStatus.Stopped),
                _ => throw new ArgumentOutOfRangeException(nameof(transition)),
            };
            if (!ok)
            {
                throw CatalogException.Conflict(
                    $"Cannot {transition.ToString().ToLowerInvariant()} experiment '{current.Key}': it is {CatalogNames.ToWire(from)}.", "status");
            }
            var now = _time.GetUtcNow();
            var record = current.Record with
            {
                Status = to,
                Version = current.Version + 1,
                UpdatedAt = now,
                StartedAt = transition == ExperimentTransition.Start ? now : current.Record.StartedAt,
                StoppedAt = transition == ExperimentTransition.Stop ? now : current.Record.StoppedAt,
            };
            var compiled = new CompiledExperiment(record, current.Definition, current.Target, current.Weights);
            Commit(compiled, action, isNew: false);
            return compiled;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _store?.Dispose();
        _gate.Dispose();
    }

    /// <summary>Test seam: see <see cref="CatalogStore.BeforeRename"/>.</summary>
    internal Action? BeforeCatalogRename
    {
        get => _store?.BeforeRename;
        set
        {
            if (_store is not null)
            {
                _store.BeforeRename = value;
            }
        }
    }

    private void Restore(CatalogFile file, List<AuditEntry> history)
    {
        var ordered = file.Experiments.OrderBy(static r => r.Ordinal).ToArray();
        for (int i = 0; i < ordered.Length; i++)
        {
            var record = ordered[i];
            if (record.Ordinal != i)
            {
                throw new InvalidDataException($"The catalog file has a gap at ordinal {i}.");
            }
            ValidatedExperiment validated;
            try
            {
                validated = ExperimentValidator.Validate(record.ToSpec());
            }
            catch (CatalogException ex)
            {
                throw new InvalidDataException($"Stored experiment {record.Id} no longer validates: {ex.Message}", ex);
            }
            _experiments.Add(Compile(record, validated, null));
        }
        foreach (var entry in history)
        {
            AddHistory(entry);
        }
        _current = new CatalogSnapshot(file.Version, [.. _experiments]);
    }

    private static CompiledExperiment Compile(ExperimentRecord record, ValidatedExperiment validated, CompiledExperiment? keepTargetOf)
    {
        if (keepTargetOf is not null)
        {
            return new CompiledExperiment(record, validated.Definition, keepTargetOf.Target, keepTargetOf.Weights);
        }
        var variants = validated.Definition.Variants;
        var configured = new double[variants.Count];
        var keys = new string[variants.Count];
        for (int i = 0; i < configured.Length; i++)
        {
            configured[i] = variants[i].Weight;
            keys[i] = variants[i].Key;
        }
        var weights = new AllocationWeights(configured);
        bool store = validated.Definition.Assignment.Sticky || validated.Definition.Bandit is not null;
        var target = new AssignmentTarget(record.Ordinal, record.Key, validated.Rules, weights, keys, store)
        {
            Status = record.Status,
            IsBandit = validated.Definition.Bandit is not null,
        };
        return new CompiledExperiment(record, validated.Definition, target, weights);
    }

    /// <summary>Persists (audit line, then catalog file), then swaps the snapshot and raises <see cref="Changed"/>. Caller holds the gate.</summary>
    private void Commit(CompiledExperiment compiled, string action, bool isNew)
    {
        var previous = _current;
        long catalogVersion = previous.Version + 1;
        var entry = new AuditEntry
        {
            Version = compiled.Version,
            CatalogVersion = catalogVersion,
            At = compiled.Record.UpdatedAt,
            Action = action,
            ExperimentId = compiled.Id,
            Experiment = compiled.Record,
        };
        var next = new CompiledExperiment[isNew ? _experiments.Count + 1 : _experiments.Count];
        _experiments.CopyTo(next);
        next[compiled.Ordinal] = compiled;

        if (_store is not null)
        {
            long historyLength = _store.AppendHistory(entry);
            try
            {
                var records = new ExperimentRecord[next.Length];
                for (int i = 0; i < next.Length; i++)
                {
                    records[i] = next[i].Record;
                }
                _store.WriteCatalog(new CatalogFile { Version = catalogVersion, Experiments = records });
            }
            catch
            {
                _store.TruncateHistory(historyLength);
                throw;
            }
        }

        if (isNew)
        {
            _experiments.Add(compiled);
        }
        else
        {
            _experiments[compiled.Ordinal] = compiled;
        }
        AddHistory(entry);
        compiled.Target.Status = compiled.Status;
        var snapshot = new CatalogSnapshot(catalogVersion, next);
        Volatile.Write(ref _current, snapshot);
        Changed?.Invoke(snapshot);
    }

    private void AddHistory(AuditEntry entry)
    {
        lock (_history)
        {
            if (!_history.TryGetValue(entry.ExperimentId, out var list))
            {
                _history[entry.ExperimentId] = list = [];
            }
            list.Add(entry);
        }
    }

    private static List<string> ChangedLockedFields(ExperimentSpec before, ExperimentSpec after)
    {
        var changed = new List<string>();
        if (!string.Equals(before.Key, after.Key, StringComparison.Ordinal))
        {
            changed.Add("key");
        }
        Compare(changed, "variants", before.Variants, after.Variants);
        Compare(changed, "metrics", before.Metrics, after.Metrics);
        Compare(changed, "assignment", before.Assignment, after.Assignment);
        Compare(changed, "analysis", before.Analysis, after.Analysis);
        Compare(changed, "bandit", before.Bandit, after.Bandit);
        return changed;

        static void Compare<T>(List<string> changed, string field, T before, T after)
        {
            byte[] a = JsonSerializer.SerializeToUtf8Bytes(before, CatalogJson.Options);
            byte[] b = JsonSerializer.SerializeToUtf8Bytes(after, CatalogJson.Options);
            if (!a.AsSpan().SequenceEqual(b))
            {
                changed.Add(field);
            }
        }
    }
}
