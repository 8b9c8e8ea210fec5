using System.Text;
using System.Text.Json;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Query;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Embedded;

/// <summary>
/// The ingest path's allocation budget (CONVENTIONS.md: 0 bytes per event): parse + route + apply of the same
/// number of batches, small and large, must allocate the same. Per-batch costs cancel out in the difference; a
/// single allocation per event would show as at least 24 bytes per event.
/// Allocations are counted process-wide (the shards run on their own threads), so this class runs alone, after
/// the parallel tests (<see cref="AllocationBudgetCollection"/>).
/// </summary>
[Collection(AllocationBudgetCollection.Name)]
public class IngestAllocationBudgetTests
{
    private const int Units = 2_000;

    [Fact]
    public async Task Parse_route_and_apply_allocate_nothing_per_event()
    {
        await using var engine = await ExpothesisEngine.OpenAsync(new EngineOptions { Durability = Durability.None, Shards = 2 });
        await engine.Catalog.CreateAsync(JsonSerializer.Deserialize<ExperimentSpec>("""
            { "key": "budget", "name": "Budget",
              "variants": [ { "key": "control" }, { "key": "treatment" } ],
              "metrics": [ { "name": "purchase", "kind": "binary" }, { "name": "revenue", "kind": "sum" },
                           { "name": "errors", "kind": "count" } ] }
            """, CatalogJson.Options)!);
        await engine.Catalog.StartAsync("budget");
        var ingestor = new EmbeddedIngestor(engine);

        // Expose every unit first, so the measured batches are the steady state: metric events of known units.
        var exposures = await ingestor.IngestAsync(Batch(0, Units, exposure: true));
        Assert.Equal(Units, exposures.Accepted);

        var small = Batch(0, 50, exposure: false);
        var large = Batch(0, Units, exposure: false);
        const int rounds = 20;
        for (int i = 0; i < 5; i++)
        {
            await ingestor.IngestAsync(small);
            await ingestor.IngestAsync(large);
        }

        long smallBytes = await MeasureAsync(ingestor, small, rounds);
        long largeBytes = await MeasureAsync(ingestor, large, rounds);
        double perEvent = (double)(largeBytes - smallBytes) / (rounds * (Units - 50));

        Assert.True(perEvent < 4, $"ingest path allocates {perEvent:F2} bytes per event (small {smallBytes} B, large {largeBytes} B over {rounds} batches each)");
    }

    private static async Task<long> MeasureAsync(EmbeddedIngestor ingestor, ReadOnlyMemory<byte> batch, int rounds)
    {
        long best = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < rounds; i++)
            {
                var result = await ingestor.IngestAsync(batch);
                Assert.Equal(0, result.Rejected);
            }
            best = Math.Min(best, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        return best;
    }

    private static byte[] Batch(int firstUnit, int count, bool exposure)
    {
        var sb = new StringBuilder("{\"events\":[");
        for (int i = 0; i < count; i++)
        {
            int unit = firstUnit + i;
            string variant = unit % 2 == 0 ? "control" : "treatment";
            if (i > 0)
            {
                sb.Append(',');
            }
            if (exposure)
            {
                sb.Append($$"""{"experiment":"budget","user_id":"user-{{unit:D6}}","type":"exposure","variant":"{{variant}}","timestamp":1764600000000}""");
            }
            else
            {
                string metric = (i % 3) switch { 0 => "purchase", 1 => "revenue", _ => "errors" };
                sb.Append($$"""{"experiment":"budget","user_id":"user-{{unit:D6}}","metric":"{{metric}}","value":{{1 + (i % 7)}}.25,"variant":"{{variant}}","timestamp":"2026-12-01T10:00:00.123Z"}""");
            }
        }
        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }
}

/// <summary>Runs its tests with nothing else in the process running (process-wide allocation counts).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationBudgetCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Allocation budget (not parallel)";
}
