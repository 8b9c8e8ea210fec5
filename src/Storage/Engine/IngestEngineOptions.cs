using Expothesis.Fast.Storage.Engine.Internal;

namespace Expothesis.Fast.Storage.Engine;

/// <summary>Options of an <see cref="IngestEngine"/>.</summary>
public sealed class IngestEngineOptions
{
    /// <summary>Directory for the unit-state store and checkpoints; null keeps everything in memory
    /// (the unit-state store then spills to a temporary directory deleted on dispose).</summary>
    public string? Directory { get; set; }

    /// <summary>Number of single-writer shards (default: processor count).</summary>
    public int Shards { get; set; } = Environment.ProcessorCount;

    /// <summary>How often a checkpoint is cut (only with a <see cref="Directory"/>); zero or negative disables the timer.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Maximum number of batches admitted at once (applying or waiting); beyond it
    /// <see cref="IngestStatus.QueueFull"/> is answered.</summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>Log2 of the unit-state store's in-memory log size in bytes (default 29 = 512 MiB); colder records spill to disk.</summary>
    public int StoreMemorySizeBits { get; set; } = 29;

    /// <summary>Log2 of the number of hash-index buckets of the unit-state store (64 bytes each; default 20).</summary>
    public int StoreIndexBits { get; set; } = 20;

    /// <summary>Log2 of the in-memory log size of the seen event-id store (default 26 = 64 MiB); older markers spill to disk.</summary>
    public int SeenMemorySizeBits { get; set; } = 26;

    /// <summary>Log2 of the number of hash-index buckets of the seen event-id store (64 bytes each; default 20).</summary>
    public int SeenIndexBits { get; set; } = 20;

    internal UnitStoreSizes StoreSizes => new(StoreMemorySizeBits, StoreIndexBits, SeenMemorySizeBits, SeenIndexBits);

    /// <summary>Whether <see cref="IngestEngine.DisposeAsync"/> cuts a final checkpoint (default true).</summary>
    public bool CheckpointOnDispose { get; set; } = true;

    /// <summary>How many checkpoints are kept (default 2: the current one and its predecessor).</summary>
    public int CheckpointsToKeep { get; set; } = 2;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Shards, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Shards, 256);
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(StoreMemorySizeBits, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(StoreMemorySizeBits, 40);
        ArgumentOutOfRangeException.ThrowIfLessThan(StoreIndexBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(StoreIndexBits, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(SeenMemorySizeBits, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SeenMemorySizeBits, 40);
        ArgumentOutOfRangeException.ThrowIfLessThan(SeenIndexBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SeenIndexBits, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointsToKeep, 1);
    }
}
