using Expothesis.Fast.Gateway.Auth;
using Expothesis.Fast.Gateway.RateLimiting;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway;

/// <summary>The <c>Expothesis</c> configuration section (API.md "Configuration").</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Expothesis";

    /// <summary><c>Expothesis:DataDirectory</c>: catalog, column log, FASTER files, checkpoints (default <c>./data</c>).</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary><c>Expothesis:Durability</c>: <c>fsync</c> (default), <c>flush</c> or <c>none</c>.</summary>
    public string Durability { get; set; } = "fsync";

    /// <summary><c>Expothesis:Shards</c>: ingest shard workers (default: the processor count).</summary>
    public int Shards { get; set; } = Environment.ProcessorCount;

    /// <summary><c>Expothesis:Store</c>: sizes of the FASTER stores (unit state, seen event ids).</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary><c>Expothesis:Auth</c>.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary><c>Expothesis:RateLimit</c> (off by default).</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>The parsed durability; throws for an unknown name.</summary>
    public Durability GetDurability() => Durability.Trim().ToLowerInvariant() switch
    {
        "fsync" => Storage.Ingest.Durability.Fsync,
        "flush" => Storage.Ingest.Durability.Flush,
        "none" => Storage.Ingest.Durability.None,
        _ => throw new InvalidOperationException($"Expothesis:Durability must be fsync, flush or none (got '{Durability}')."),
    };

    /// <summary>Where the catalog keeps its files.</summary>
    public string CatalogDirectory => Path.Combine(DataDirectory, "catalog");
}

/// <summary>The <c>Expothesis:Store</c> section: log2 sizes of the two FASTER stores (see <see cref="Query.EngineOptions"/>).</summary>
public sealed class StoreOptions
{
    /// <summary><c>UnitMemoryBits</c>: the unit-state store's in-memory log, log2 bytes (default 29 = 512 MiB).</summary>
    public int UnitMemoryBits { get; set; } = 29;

    /// <summary><c>UnitIndexBits</c>: the unit-state store's hash index, log2 buckets of 64 bytes (default 20).</summary>
    public int UnitIndexBits { get; set; } = 20;

    /// <summary><c>SeenMemoryBits</c>: the seen event-id store's in-memory log, log2 bytes (default 26 = 64 MiB).</summary>
    public int SeenMemoryBits { get; set; } = 26;

    /// <summary><c>SeenIndexBits</c>: the seen event-id store's hash index, log2 buckets of 64 bytes (default 20).</summary>
    public int SeenIndexBits { get; set; } = 20;
}
