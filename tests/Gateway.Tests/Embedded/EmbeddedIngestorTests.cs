using System.Text;
using System.Text.Json;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Query;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Embedded;

public class EmbeddedIngestorTests
{
    private const string Spec = """
        { "key": "embedded", "name": "Embedded",
          "variants": [ { "key": "control" }, { "key": "treatment" } ],
          "metrics": [ { "name": "purchase", "kind": "binary", "role": "primary" },
                       { "name": "revenue", "kind": "sum" } ] }
        """;

    [Fact]
    public async Task An_in_memory_engine_ingests_utf8_batches_and_exposes_the_unit_level_sums()
    {
        await using var engine = await ExpothesisEngine.OpenAsync(new EngineOptions { Durability = Durability.None, Shards = 2 });
        var spec = JsonSerializer.Deserialize<ExperimentSpec>(Spec, CatalogJson.Options)!;
        var experiment = await engine.Catalog.CreateAsync(spec);
        await engine.Catalog.StartAsync("embedded");
        var ingestor = new EmbeddedIngestor(engine);

        var result = await ingestor.IngestAsync(Encoding.UTF8.GetBytes("""
            { "events": [
              { "experiment": "embedded", "user_id": "a", "type": "exposure", "variant": "control" },
              { "experiment": "embedded", "user_id": "b", "type": "exposure", "variant": "treatment" },
              { "experiment": "embedded", "user_id": "a", "metric": "revenue", "value": 2.5 },
              { "experiment": "embedded", "user_id": "a", "metric": "revenue", "value": 1.5 },
              { "experiment": "embedded", "user_id": "b", "metric": "purchase" },
              { "experiment": "embedded", "user_id": "c", "metric": "purchase" },
              { "experiment": "embedded", "user_id": "b", "metric": "nope" }
            ] }
            """));

        Assert.True(result.Outcome.Parse.IsOk);
        Assert.Equal(5, result.Accepted);
        Assert.Equal(2, result.Rejected);
        Assert.Equal([(5, RejectionCode.NotExposed), (6, RejectionCode.UnknownMetric)],
            result.Errors.Select(static e => (e.Index, e.Code)).ToArray());

        var moments = engine.Ingest.GetMoments(experiment.Ordinal);
        int revenue = 1, purchase = 0;
        Assert.Equal(1, moments.Units(0));
        Assert.Equal(1, moments.Units(1));
        Assert.Equal((1, 4.0, 16.0), (moments[0, revenue].N, moments[0, revenue].S1, moments[0, revenue].S2));
        Assert.Equal((1, 1.0, 1.0), (moments[1, purchase].N, moments[1, purchase].S1, moments[1, purchase].S2));
        Assert.Equal(0.0, moments[0, purchase].S1);
    }

    [Fact]
    public async Task A_malformed_embedded_batch_applies_nothing_and_reports_the_offset()
    {
        await using var engine = await ExpothesisEngine.OpenAsync(new EngineOptions { Durability = Durability.None, Shards = 1 });
        var experiment = await engine.Catalog.CreateAsync(JsonSerializer.Deserialize<ExperimentSpec>(Spec, CatalogJson.Options)!);
        await engine.Catalog.StartAsync("embedded");

        var result = await new EmbeddedIngestor(engine).IngestAsync(Encoding.UTF8.GetBytes(
            """[ { "experiment": "embedded", "user_id": "a", "type": "exposure", "variant": "control" }, { "experiment": ] """));

        Assert.Equal(ParseStatus.SyntaxError, result.Outcome.Parse.Status);
        Assert.True(result.Outcome.Parse.ErrorOffset > 80);
        Assert.Equal(0, result.Accepted);
        Assert.Equal(0, engine.Ingest.GetMoments(experiment.Ordinal).Units(0));
    }
}
