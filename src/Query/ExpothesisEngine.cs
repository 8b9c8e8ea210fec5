using System.Diagnostics.CodeAnalysis;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query;

/// <summary>Where and how the embedded engine keeps its state (API.md "Configuration").</summary>
public sealed record EngineOptions
{
    /// <summary>The data directory (catalog, column log, FASTER files, checkpoints); null keeps everything in memory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>When an acknowledged event is durable; <see cref="Durability.None"/> keeps everything in memory.</summary>
    public Durability Durability { get; init; } = Durability.Fsync;

    /// <summary>Ingest shard workers; 0 means one per processor.</summary>
    public int Shards { get; init; }

    /// <summary>How often the ingestion engine cuts a checkpoint.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Log2 of the unit-state store's in-memory log in bytes (default 29 = 512 MiB; colder units spill to disk).</summary>
    public int UnitMemoryBits { get; init; } = 29;

    /// <summary>Log2 of the unit-state store's hash-index buckets (default 20: 64 MiB, ~7M keys before overflow chains).</summary>
    public int UnitIndexBits { get; init; } = 20;

    /// <summary>Log2 of the seen event-id store's in-memory log in bytes (default 26 = 64 MiB; older ids spill to disk).</summary>
    public int SeenMemoryBits { get; init; } = 26;

    /// <summary>Log2 of the seen event-id store's hash-index buckets (default 20; size it for the event ids you keep, 7 per bucket).</summary>
    public int SeenIndexBits { get; init; } = 20;
}

/// <summary>
/// The whole engine without HTTP ("embedded mode", DESIGN.md): the experiment catalog, the column log
/// (write-ahead log and event archive), the ingestion engine over FASTER, and assignment wired to it.
/// The Gateway hosts one; tests and benchmarks open their own over a directory or in memory.
/// </summary>
public sealed class ExpothesisEngine : IAsyncDisposable
{
    private readonly IEventArchiveLog _log;

    private ExpothesisEngine(ExperimentCatalog catalog, IEventArchiveLog log, IngestEngine ingest)
    {
        Catalog = catalog;
        _log = log;
        Ingest = ingest;
        Assigner = new Assigner(ingest);
    }

    /// <summary>Experiments, their lifecycle and the schema the ingest path resolves names with.</summary>
    public ExperimentCatalog Catalog { get; }

    /// <summary>Unit state, moment sums, checkpoints and recovery.</summary>
    public IngestEngine Ingest { get; }

    /// <summary>The accepted events, for export and scans.</summary>
    public IEventArchive Archive => _log;

    /// <summary>Assignment that records exposures and sticky assignments in <see cref="Ingest"/>.</summary>
    public Assigner Assigner { get; }

    /// <summary>Completes when recovery (newest checkpoint plus log tail) is done and the engine takes batches.</summary>
    public Task Ready => Ingest.Ready;

    /// <summary>Opens the engine and waits for its recovery. With no data directory, or durability none, everything stays in memory.</summary>
    public static async Task<ExpothesisEngine> OpenAsync(EngineOptions options, CancellationToken cancellationToken = default)
    {
        var engine = Open(options, cancellationToken);
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
    /// Opens the catalog and the log, and starts the ingestion engine's recovery in the background:
    /// <see cref="Ready"/> completes when it is done (a host answers /health/ready with 503 until then).
    /// </summary>
    public static ExpothesisEngine Open(EngineOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? root = options.DataDirectory is null || options.Durability == Durability.None
            ? null
            : Path.GetFullPath(options.DataDirectory);
        ExperimentCatalog catalog = root is null
            ? ExperimentCatalog.CreateInMemory()
            : ExperimentCatalog.OpenAsync(CatalogDirectory(root), options.Durability, cancellationToken).GetAwaiter().GetResult();
        IEventArchiveLog? log = null;
        try
        {
            log = EventLogs.Create(root is null ? null : Path.Combine(root, "log"), options.Durability);
            var ingest = IngestEngine.Open(log, () => catalog.Current, new IngestEngineOptions
            {
                Directory = root is null ? null : Path.Combine(root, "state"),
                Shards = options.Shards > 0 ? options.Shards : Environment.ProcessorCount,
                CheckpointInterval = options.CheckpointInterval,
                StoreMemorySizeBits = options.UnitMemoryBits,
                StoreIndexBits = options.UnitIndexBits,
                SeenMemorySizeBits = options.SeenMemoryBits,
                SeenIndexBits = options.SeenIndexBits,
            }, cancellationToken);
            return new ExpothesisEngine(catalog, log, ingest);
        }
        catch
        {
            log?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            catalog.Dispose();
            throw;
        }
    }

    /// <summary>Where the catalog of a data directory lives.</summary>
    public static string CatalogDirectory(string dataDirectory) => Path.Combine(dataDirectory, "catalog");

    /// <summary>Finds an experiment by id or key in the current catalog.</summary>
    public bool TryGetExperiment(ReadOnlySpan<char> idOrKey, [MaybeNullWhen(false)] out CompiledExperiment experiment) =>
        Catalog.Current.TryGet(idOrKey, out experiment);

    /// <summary>Checkpoints, then closes the engine, the log and the catalog.</summary>
    public async ValueTask DisposeAsync()
    {
        await Ingest.DisposeAsync().ConfigureAwait(false);
        await _log.DisposeAsync().ConfigureAwait(false);
        Catalog.Dispose();
    }
}
