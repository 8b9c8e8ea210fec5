using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;
using Xunit.Abstractions;
using static Expothesis.Fast.Storage.Tests.Engine.EngineTestData;

namespace Expothesis.Fast.Storage.Tests.Engine;

public sealed class IngestEngineSumsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 22)]
    [InlineData(3, 22)]
    [InlineData(2, 16)] // a 64 KiB in-memory log: most unit state lives on disk and RMWs go pending
    public async Task Randomized_ingestion_sums_equal_a_naive_two_pass_recomputation(int shards, int storeMemoryBits)
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var schema = StandardSchema();
        var events = Generate(rng, schema, 20_000);
        var log = new MemoryEventLog();
        var options = Options(shards);
        options.StoreMemorySizeBits = storeMemoryBits;
        options.SeenMemorySizeBits = storeMemoryBits;
        await using var engine = await IngestEngine.OpenAsync(log, () => schema, options);

        var outcomes = await IngestInBatchesAsync(engine, events, rng);

        var model = new NaiveModel(schema);
        var expected = events.Select(model.Apply).ToArray();
        Assert.Equal(expected, outcomes);
        Assert.Contains(RejectionCode.NotExposed, outcomes);
        Assert.Contains(RejectionCode.VariantMismatch, outcomes);
        Assert.Contains(RejectionCode.Duplicate, outcomes);
        for (int e = 0; e < 2; e++)
        {
            var snapshot = engine.GetMoments(e);
            for (int v = 0; v < schema.GetVariantCount(e); v++)
            {
                Assert.Equal(model.Units(e, v), snapshot.Units(v));
                for (int m = 0; m < schema.GetMetricCount(e); m++)
                {
                    Assert.Equal(model.Moments(e, v, m), snapshot[v, m]);
                }
            }
        }
        Assert.Equal(outcomes.Count(o => o == RejectionCode.None), engine.Counters.Accepted);
        Assert.Equal(storeMemoryBits < 20, engine.StoreDiskReads > 0);
        Assert.Equal(outcomes.Count(o => o == RejectionCode.Duplicate), engine.Counters.Duplicates);
    }

    [Fact]
    public async Task Rebuild_from_the_log_alone_equals_the_live_sums_exactly()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var schema = StandardSchema();
        var events = Generate(rng, schema, 10_000);
        var log = new MemoryEventLog();
        await using var engine = await IngestEngine.OpenAsync(log, () => schema, Options(2));
        var outcomes = await IngestInBatchesAsync(engine, events, rng);
        var live = Snapshot(engine, schema, 2);
        var liveHours = engine.GetHourlySeries(0, 2).Buckets.Select(b => (b.HourStartMs, b.Deltas.ToArray())).ToList();

        await engine.RebuildAsync();

        Assert.Equal(live, Snapshot(engine, schema, 2));
        Assert.Equal(liveHours.Select(h => h.HourStartMs), engine.GetHourlySeries(0, 2).Buckets.Select(b => b.HourStartMs));
        Assert.Equal(liveHours.SelectMany(h => h.Item2), engine.GetHourlySeries(0, 2).Buckets.SelectMany(b => b.Deltas));

        // A rebuilt engine keeps its dedup set: resending the counted metric events with ids changes nothing.
        var resend = events.Where((e, i) => e.EventId is not null && !e.IsExposure && outcomes[i] == RejectionCode.None).ToList();
        Assert.NotEmpty(resend);
        var again = await IngestInBatchesAsync(engine, resend, rng);
        Assert.All(again, o => Assert.Equal(RejectionCode.Duplicate, o));
        Assert.Equal(live, Snapshot(engine, schema, 2));
    }

    [Fact]
    public async Task Hourly_series_cumulative_totals_equal_the_final_sums()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var schema = StandardSchema();
        var events = Generate(rng, schema, 8_000);
        await using var engine = await IngestEngine.OpenAsync(new MemoryEventLog(), () => schema, Options(2));
        await IngestInBatchesAsync(engine, events, rng);

        for (int e = 0; e < 2; e++)
        {
            var final = engine.GetMoments(e);
            for (int m = 0; m < schema.GetMetricCount(e); m++)
            {
                var series = engine.GetHourlySeries(e, m);
                Assert.True(series.Buckets.Count > 24);
                Assert.True(series.Buckets.Zip(series.Buckets.Skip(1)).All(p => p.First.HourStartMs < p.Second.HourStartMs));
                for (int v = 0; v < schema.GetVariantCount(e); v++)
                {
                    long n = 0, units = 0;
                    double s1 = 0, s2 = 0;
                    foreach (var b in series.Buckets)
                    {
                        Assert.Equal(0, b.HourStartMs % 3_600_000);
                        n += b.Delta(v).N;
                        s1 += b.Delta(v).S1;
                        s2 += b.Delta(v).S2;
                        units += b.UnitsDelta(v);
                    }
                    Assert.Equal(final[v, m].N, n);
                    Assert.Equal(final[v, m].S1, s1);
                    Assert.Equal(final[v, m].S2, s2);
                    Assert.Equal(final.Units(v), units);
                }
            }
        }
    }
}
