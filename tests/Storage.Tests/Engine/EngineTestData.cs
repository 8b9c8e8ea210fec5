using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Engine;

/// <summary>One event as the tests describe it (before it becomes an <see cref="EventRecord"/>).</summary>
internal sealed record TestEvent(int Experiment, string Unit, short Metric, short Variant, double Value, long TimeMs, string? EventId = null)
{
    public bool IsExposure => Metric == EventRecord.ExposureMetric;

    public static TestEvent Exposure(int experiment, string unit, short variant, long timeMs, string? eventId = null)
        => new(experiment, unit, EventRecord.ExposureMetric, variant, 1, timeMs, eventId);

    public static TestEvent Metric_(int experiment, string unit, short metric, double value, long timeMs, short variant = EventRecord.NoVariant, string? eventId = null)
        => new(experiment, unit, metric, variant, value, timeMs, eventId);
}

internal static class EngineTestData
{
    public const long BaseMs = 1_790_000_000_000;

    public static EventBatch ToBatch(IReadOnlyList<TestEvent> events)
    {
        var batch = new EventBatch(events.Count + 1);
        foreach (var e in events)
        {
            int unitOffset = batch.AppendBytes(Encoding.UTF8.GetBytes(e.Unit));
            int unitLength = Encoding.UTF8.GetByteCount(e.Unit);
            int idOffset = 0, idLength = 0;
            if (e.EventId is not null)
            {
                idLength = Encoding.UTF8.GetByteCount(e.EventId);
                idOffset = batch.AppendBytes(Encoding.UTF8.GetBytes(e.EventId));
            }
            ref var r = ref batch.Add();
            r.Experiment = e.Experiment;
            r.UnitHash = UnitHash.Compute(e.Unit);
            r.Metric = e.Metric;
            r.Variant = e.Variant;
            r.Value = e.Value;
            r.TimestampMs = e.TimeMs;
            r.UnitIdOffset = unitOffset;
            r.UnitIdLength = unitLength;
            r.EventIdOffset = idOffset;
            r.EventIdLength = idLength;
            r.EventIdHash = e.EventId is null ? 0 : UnitHash.Compute(e.EventId);
        }
        return batch;
    }

    public static async Task<RejectionCode[]> IngestAsync(IngestEngine engine, IReadOnlyList<TestEvent> events)
    {
        using var batch = ToBatch(events);
        var outcomes = new RejectionCode[events.Count];
        var result = await engine.IngestAsync(batch, outcomes);
        Assert.Equal(IngestStatus.Completed, result.Status);
        return outcomes;
    }

    /// <summary>Ingests <paramref name="events"/> in randomly sized batches; returns all outcomes in order.</summary>
    public static async Task<RejectionCode[]> IngestInBatchesAsync(IngestEngine engine, IReadOnlyList<TestEvent> events, Random rng, int maxBatch = 700)
    {
        var all = new List<RejectionCode>(events.Count);
        int i = 0;
        while (i < events.Count)
        {
            int n = Math.Min(events.Count - i, rng.Next(1, maxBatch));
            all.AddRange(await IngestAsync(engine, events.Skip(i).Take(n).ToList()));
            i += n;
        }
        return [.. all];
    }

    /// <summary>
    /// Random events over two experiments: many events per unit, metric events before exposure, variants
    /// that contradict the exposure, event ids with resends, every metric kind.
    /// </summary>
    public static List<TestEvent> Generate(Random rng, FakeSchema schema, int count, int unitsPerExperiment = 250)
    {
        var events = new List<TestEvent>(count);
        var withIds = new List<TestEvent>();
        int experiments = 2;
        for (int k = 0; k < count; k++)
        {
            if (withIds.Count > 0 && rng.NextDouble() < 0.08)
            {
                events.Add(withIds[rng.Next(withIds.Count)]);
                continue;
            }
            int exp = rng.Next(experiments);
            int variants = schema.GetVariantCount(exp), metrics = schema.GetMetricCount(exp);
            string unit = $"u{exp}-{rng.Next(unitsPerExperiment)}";
            long t = BaseMs + (long)(rng.NextDouble() * 48 * 3_600_000);
            string? id = rng.NextDouble() < 0.3 ? $"ev-{k}" : null;
            TestEvent e;
            if (rng.NextDouble() < 0.15)
            {
                short v = rng.NextDouble() < 0.1 ? EventRecord.NoVariant : (short)rng.Next(variants);
                e = TestEvent.Exposure(exp, unit, v, t, id);
            }
            else
            {
                short metric = (short)rng.Next(metrics);
                short v = rng.NextDouble() < 0.35 ? (short)rng.Next(variants) : EventRecord.NoVariant;
                double value = rng.Next(-8, 41) * 0.25;
                e = TestEvent.Metric_(exp, unit, metric, value, t, v, id);
            }
            events.Add(e);
            if (id is not null)
            {
                withIds.Add(e);
            }
        }
        return events;
    }

    public static FakeSchema StandardSchema()
    {
        var schema = new FakeSchema();
        schema.Add("checkout", 3, MetricKind.Binary, MetricKind.Count, MetricKind.Sum, MetricKind.Sum);
        schema.Add("search", 2, MetricKind.Count, MetricKind.Binary);
        return schema;
    }

    public static IngestEngineOptions Options(int shards, string? directory = null) => new()
    {
        Shards = shards,
        Directory = directory,
        CheckpointInterval = TimeSpan.Zero,
        StoreMemorySizeBits = 22,
        StoreIndexBits = 12,
        SeenMemorySizeBits = 22,
        SeenIndexBits = 12,
        QueueCapacity = 64,
    };

    public static void AssertSameMoments(IngestEngine expected, IngestEngine actual, IIngestSchema schema, int experiments)
    {
        for (int e = 0; e < experiments; e++)
        {
            var a = expected.GetMoments(e);
            var b = actual.GetMoments(e);
            for (int v = 0; v < schema.GetVariantCount(e); v++)
            {
                Assert.Equal(a.Units(v), b.Units(v));
                for (int m = 0; m < schema.GetMetricCount(e); m++)
                {
                    Assert.Equal(a[v, m], b[v, m]);
                }
            }
            Assert.Equal(a.TotalUnits, b.TotalUnits);
        }
    }

    public static Dictionary<(int, int, int), VariantMoments> Snapshot(IngestEngine engine, IIngestSchema schema, int experiments)
    {
        var d = new Dictionary<(int, int, int), VariantMoments>();
        for (int e = 0; e < experiments; e++)
        {
            var s = engine.GetMoments(e);
            for (int v = 0; v < schema.GetVariantCount(e); v++)
            {
                d[(e, v, -1)] = new VariantMoments(s.Units(v), 0, 0);
                for (int m = 0; m < schema.GetMetricCount(e); m++)
                {
                    d[(e, v, m)] = s[v, m];
                }
            }
        }
        return d;
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "expothesis-engine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
