namespace Expothesis.Fast.Storage.Ingest;

/// <summary>When an acknowledged event counts as durable (API.md `Expothesis:Durability`).</summary>
public enum Durability
{
    /// <summary>Acknowledge after fdatasync of the block (server default).</summary>
    Fsync,
    /// <summary>Acknowledge after the block was written to the OS.</summary>
    Flush,
    /// <summary>Nothing is written; everything stays in memory (benchmarks, tests).</summary>
    None,
}
