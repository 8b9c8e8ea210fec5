using System.Globalization;
using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.ColumnLog;

/// <summary>
/// The README's standard workload: ids "user-N" over 300,000 users, increasing ms timestamps, 4
/// experiments, 40% exposures, metric values mostly 1 or small amounts, no event ids.
/// </summary>
internal static class RealisticEvents
{
    public static EventBatch[] Batches(int batches, int perBatch, int seed = 42)
    {
        var rng = new Random(seed);
        long clock = 1_795_860_000_000;
        var result = new EventBatch[batches];
        for (int b = 0; b < batches; b++)
        {
            var batch = new EventBatch(perBatch, perBatch * 12);
            for (int i = 0; i < perBatch; i++)
            {
                clock += rng.Next(3);
                int user = rng.Next(300_000);
                int kind = rng.Next(10);
                short metric = kind < 4 ? EventRecord.ExposureMetric : (short)(kind < 8 ? 0 : 1);
                var id = Encoding.UTF8.GetBytes("user-" + user.ToString(CultureInfo.InvariantCulture));
                int offset = batch.AppendBytes(id);
                ref var r = ref batch.Add();
                r.UnitHash = UnitHash.Compute(id);
                r.UnitIdOffset = offset;
                r.UnitIdLength = id.Length;
                r.TimestampMs = clock;
                r.Experiment = rng.Next(4);
                r.Metric = metric;
                r.Variant = (short)(user % 2);
                r.Value = metric == 1 ? Math.Round(rng.NextDouble() * 50, 2) : 1;
            }
            result[b] = batch;
        }
        return result;
    }
}
