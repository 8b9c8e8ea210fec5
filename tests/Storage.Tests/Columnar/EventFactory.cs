using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Columnar;

/// <summary>A record with its ids materialized, for comparisons.</summary>
internal readonly record struct StoredEvent(
    ulong UnitHash, ulong EventIdHash, long ValueBits, long TimestampMs, int Experiment, short Metric, short Variant,
    string UnitId, string EventId)
{
    public static StoredEvent From(in EventRecord r, ReadOnlySpan<byte> unitId, ReadOnlySpan<byte> eventId) =>
        new(r.UnitHash, r.EventIdHash, BitConverter.DoubleToInt64Bits(r.Value), r.TimestampMs, r.Experiment, r.Metric, r.Variant,
            Convert.ToHexString(unitId), Convert.ToHexString(eventId));

    public static List<StoredEvent> FromBatch(EventBatch batch)
    {
        var list = new List<StoredEvent>(batch.Count);
        foreach (ref readonly var r in batch.Records)
        {
            list.Add(From(r, batch.UnitId(r), batch.EventId(r)));
        }
        return list;
    }
}

/// <summary>Builds batches: random ones covering every encoding path, and the realistic workload.</summary>
internal static class EventFactory
{
    public static void Add(EventBatch batch, string unitId, long ts, int experiment = 0, short metric = 0, short variant = 0,
        double value = 1, string? eventId = null, ulong? unitHash = null, ulong? eventIdHash = null)
    {
        var unit = Encoding.UTF8.GetBytes(unitId);
        var evt = eventId is null ? [] : Encoding.UTF8.GetBytes(eventId);
        int unitOffset = batch.AppendBytes(unit);
        int eventOffset = batch.AppendBytes(evt);
        ref var r = ref batch.Add();
        r.UnitHash = unitHash ?? UnitHash.Compute(unit);
        r.EventIdHash = eventIdHash ?? (evt.Length == 0 ? 0 : UnitHash.Compute(evt));
        r.Value = value;
        r.TimestampMs = ts;
        r.Experiment = experiment;
        r.Metric = metric;
        r.Variant = variant;
        r.UnitIdOffset = unitOffset;
        r.UnitIdLength = unit.Length;
        r.EventIdOffset = evt.Length == 0 ? 0 : eventOffset;
        r.EventIdLength = evt.Length;
    }

    private static readonly double[] s_specialValues =
        [1, 0, -0.0, 2, 19.99, 0.1, 1e-7, 1e300, -5, double.Epsilon, double.MaxValue, 123456.789, 3.14159265358979, -1234.5];

    /// <summary>A batch whose encoding mode (numeric ids, stored hashes, event ids) varies with the random draw.</summary>
    public static void FillRandom(EventBatch batch, Random rng, int count, ref long clock)
    {
        int idMode = rng.Next(6);
        bool storedHashes = rng.Next(5) == 0;
        bool eventIds = rng.Next(3) == 0;
        for (int i = 0; i < count; i++)
        {
            clock += rng.Next(4) == 0 ? -rng.Next(1000) : rng.Next(50);
            string unit = idMode switch
            {
                0 => "user-" + rng.Next(300_000),
                1 => rng.Next(10) == 0 ? "anon-" + rng.Next(1000) : "user-" + rng.Next(300_000),
                2 => "u" + rng.Next(2) switch { 0 => "0" + rng.Next(100), _ => rng.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                3 => Guid.NewGuid().ToString(),
                4 => rng.Next(3) == 0 ? "" : "ünï-" + (ulong)rng.NextInt64(),
                _ => ((ulong)rng.NextInt64() * 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            double value = rng.Next(3) == 0 ? s_specialValues[rng.Next(s_specialValues.Length)] : Math.Round(rng.NextDouble() * 100, rng.Next(4));
            string? eventId = eventIds && rng.Next(2) == 0 ? "evt-" + rng.NextInt64() : null;
            Add(batch, unit, clock, experiment: rng.Next(rng.Next(2) == 0 ? 3 : 100_000), metric: (short)(rng.Next(6) - 2),
                variant: (short)(rng.Next(5) - 1), value: value, eventId: eventId,
                unitHash: storedHashes ? (ulong)rng.NextInt64() : null, eventIdHash: storedHashes ? (ulong)rng.NextInt64() : null);
        }
    }

    /// <summary>
    /// The README's standard workload: ids "user-N" over a few hundred thousand users, increasing ms
    /// timestamps, exposures then metric events with values mostly 1 or small amounts, no event ids.
    /// </summary>
    public static void FillRealistic(EventBatch batch, Random rng, int count, ref long clock)
    {
        for (int i = 0; i < count; i++)
        {
            clock += rng.Next(3);
            int user = rng.Next(300_000);
            short variant = (short)(user % 2);
            int kind = rng.Next(10);
            short metric = kind < 4 ? EventRecord.ExposureMetric : (short)(kind < 8 ? 0 : 1);
            double value = metric == 1 ? Math.Round(rng.NextDouble() * 50, 2) : 1;
            Add(batch, "user-" + user.ToString(System.Globalization.CultureInfo.InvariantCulture), clock,
                experiment: rng.Next(4), metric: metric, variant: variant, value: value);
        }
    }
}
