using System.Buffers;
using System.Text.Json;

namespace Expothesis.Fast.Load.Workload;

/// <summary>
/// Pre-generates realistic request bodies (so serialization costs nothing during the run): event batches with
/// exposures and metric events over many users, experiments and metrics, and assignment requests.
/// </summary>
internal sealed class BodyFactory(IReadOnlyList<ExperimentSpec> experiments, int users, int seed)
{
    private static readonly string[] s_countries = ["US", "CA", "DE", "FR", "GB", "BR", "IN", "JP"];
    private static readonly string[] s_plans = ["free", "pro", "team"];

    /// <summary>Generates <paramref name="count"/> batches of <paramref name="batchSize"/> events.</summary>
    public byte[][] EventBatches(int count, int batchSize, double exposureShare, bool eventIds)
    {
        var random = new Random(seed);
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var batches = new byte[count][];
        var buffer = new ArrayBufferWriter<byte>(batchSize * 160);
        for (var b = 0; b < count; b++)
        {
            buffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteStartArray("events");
                for (var i = 0; i < batchSize; i++)
                {
                    var e = random.Next(experiments.Count);
                    var exp = experiments[e];
                    var user = random.Next(users);
                    w.WriteStartObject();
                    w.WriteString("experiment", exp.Key);
                    w.WriteString("user_id", UserId(user));
                    if (random.NextDouble() < exposureShare)
                    {
                        w.WriteString("type", "exposure");
                    }
                    else
                    {
                        var metric = exp.Metrics[random.Next(exp.Metrics.Count)];
                        w.WriteString("type", "metric");
                        w.WriteString("metric", metric.Name);
                        w.WriteNumber("value", metric.Kind switch
                        {
                            "sum" => Math.Round(Math.Exp(3 + random.NextDouble() * 1.5), 2),
                            _ => 1,
                        });
                    }

                    w.WriteString("variant", exp.Variants[WorkloadPlan.VariantOf(user, e, exp.Variants.Count)]);
                    w.WriteNumber("timestamp", nowMs - random.Next(60_000));
                    if (eventIds)
                    {
                        w.WriteString("event_id", $"{seed:x}-{b:x}-{i:x}-{random.Next():x8}");
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            batches[b] = buffer.WrittenSpan.ToArray();
        }

        return batches;
    }

    /// <summary>Generates <paramref name="count"/> <c>POST /assign</c> bodies naming <paramref name="perCall"/> experiments.</summary>
    public byte[][] AssignBodies(int count, int perCall, bool expose)
    {
        var random = new Random(seed + 1);
        var bodies = new byte[count][];
        var buffer = new ArrayBufferWriter<byte>(512);
        for (var b = 0; b < count; b++)
        {
            buffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("user_id", UserId(random.Next(users)));
                w.WriteStartObject("attributes");
                w.WriteString("country", s_countries[random.Next(s_countries.Length)]);
                w.WriteString("plan", s_plans[random.Next(s_plans.Length)]);
                w.WriteEndObject();
                w.WriteStartArray("experiments");
                var first = random.Next(experiments.Count);
                for (var i = 0; i < perCall; i++)
                {
                    w.WriteStringValue(experiments[(first + i) % experiments.Count].Key);
                }

                w.WriteEndArray();
                w.WriteBoolean("expose", expose);
                w.WriteEndObject();
            }

            bodies[b] = buffer.WrittenSpan.ToArray();
        }

        return bodies;
    }

    public static string UserId(int user) => $"u-{user:D7}";
}
