using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Query;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.Ingest;

/// <summary>
/// Parse + route + apply per event in process, the whole ingest path without HTTP: UTF-8 JSON batches of 500
/// events (metric events of exposed units, 3 metrics, every event names its variant) through
/// <see cref="EmbeddedIngestor"/> into an in-memory engine (durability none). The Allocated column includes the
/// in-memory archive's compressed blocks (printed at cleanup as B/event); parse, route and apply allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class EmbeddedIngestBenchmarks
{
    private const int BatchSize = 500;
    private const int Batches = 20;
    private const int Units = 100_000;

    private ExpothesisEngine _engine = null!;
    private EmbeddedIngestor _ingestor = null!;
    private byte[][] _batches = [];

    [Params(1, 2)]
    public int Shards { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = ExpothesisEngine.OpenAsync(new EngineOptions { Durability = Durability.None, Shards = Shards }).GetAwaiter().GetResult();
        _engine.Catalog.CreateAsync(JsonSerializer.Deserialize<ExperimentSpec>("""
            { "key": "bench", "name": "Bench",
              "variants": [ { "key": "control" }, { "key": "treatment" } ],
              "metrics": [ { "name": "purchase", "kind": "binary" }, { "name": "revenue", "kind": "sum" },
                           { "name": "errors", "kind": "count" } ] }
            """, CatalogJson.Options)!).GetAwaiter().GetResult();
        _engine.Catalog.StartAsync("bench").GetAwaiter().GetResult();
        _ingestor = new EmbeddedIngestor(_engine);
        var rng = new Random(42);
        for (int start = 0; start < Units; start += BatchSize)
        {
            _ingestor.IngestAsync(Batch(rng, start, exposure: true)).AsTask().GetAwaiter().GetResult();
        }
        _batches = new byte[Batches][];
        for (int i = 0; i < Batches; i++)
        {
            _batches[i] = Batch(rng, 0, exposure: false);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Durability none keeps the archive in memory: its compressed blocks are the one thing the path keeps per
        // event, and they show in the Allocated column. Printed so the two can be told apart.
        var archive = _engine.Archive;
        Console.WriteLine($"// archive kept in memory: {archive.SizeOnDiskBytes / (double)Math.Max(1, archive.EventCount):F2} B/event ({archive.EventCount:N0} events)");
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = BatchSize * Batches)]
    public int ParseRouteApply()
    {
        int accepted = 0;
        foreach (var batch in _batches)
        {
            accepted += _ingestor.IngestAsync(batch).AsTask().GetAwaiter().GetResult().Accepted;
        }
        return accepted;
    }

    private static byte[] Batch(Random rng, int firstUnit, bool exposure)
    {
        var sb = new StringBuilder("{\"events\":[");
        for (int i = 0; i < BatchSize; i++)
        {
            int unit = exposure ? firstUnit + i : rng.Next(Units);
            string variant = unit % 2 == 0 ? "control" : "treatment";
            if (i > 0)
            {
                sb.Append(',');
            }
            string body = exposure
                ? $$"""{"experiment":"bench","user_id":"user-{{unit:D6}}","type":"exposure","variant":"{{variant}}","timestamp":1764600000000}"""
                : $$"""{"experiment":"bench","user_id":"user-{{unit:D6}}","metric":"{{(i % 3) switch { 0 => "purchase", 1 => "revenue", _ => "errors" }}}","value":{{rng.Next(1, 100)}},"variant":"{{variant}}","timestamp":{{1764600000000 + i}}}""";
            sb.Append(body);
        }
        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }
}
