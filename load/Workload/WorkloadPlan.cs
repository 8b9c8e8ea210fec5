using System.Buffers;
using System.Text.Json;

namespace Expothesis.Fast.Load.Workload;

/// <summary>A metric of a generated experiment.</summary>
internal sealed record MetricSpec(string Name, string Kind, string Role, string Direction);

/// <summary>An experiment the load runner creates (or expects) on the server.</summary>
internal sealed record ExperimentSpec(string Key, IReadOnlyList<string> Variants, IReadOnlyList<MetricSpec> Metrics)
{
    /// <summary>The <c>POST /api/v1/experiments</c> body.</summary>
    public byte[] ToCreateJson(double? mde = null, bool mdeRelative = false, bool sequential = false)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("key", Key);
            w.WriteString("name", $"Load test {Key}");
            w.WriteString("description", "created by the Expothesis.Fast load runner");
            if (mde is { } m)
            {
                w.WriteStartObject("hypothesis");
                w.WriteNumber("mde", m);
                w.WriteBoolean("mde_relative", mdeRelative);
                w.WriteNumber("alpha", 0.05);
                w.WriteNumber("power", 0.8);
                w.WriteEndObject();
            }

            w.WriteStartArray("variants");
            for (var i = 0; i < Variants.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("key", Variants[i]);
                w.WriteString("name", Variants[i]);
                w.WriteNumber("weight", 1.0 / Variants.Count);
                w.WriteBoolean("is_control", i == 0);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("metrics");
            foreach (var metric in Metrics)
            {
                w.WriteStartObject();
                w.WriteString("name", metric.Name);
                w.WriteString("kind", metric.Kind);
                w.WriteString("role", metric.Role);
                w.WriteString("direction", metric.Direction);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("analysis");
            w.WriteString("engine", "frequentist");
            w.WriteBoolean("sequential", sequential);
            w.WriteString("correction", "holm");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The experiments of a run: <c>{prefix}-{i}</c> with purchase (binary, primary), revenue (sum), then counts.</summary>
internal static class WorkloadPlan
{
    public static IReadOnlyList<ExperimentSpec> Experiments(string prefix, int experiments, int metrics, int variants)
    {
        var variantKeys = new string[variants];
        variantKeys[0] = "control";
        for (var v = 1; v < variants; v++)
        {
            variantKeys[v] = $"v{v}";
        }

        var metricSpecs = new List<MetricSpec>(metrics);
        for (var m = 0; m < metrics; m++)
        {
            metricSpecs.Add(m switch
            {
                0 => new MetricSpec("purchase", "binary", "primary", "increase"),
                1 => new MetricSpec("revenue", "sum", "secondary", "increase"),
                2 => new MetricSpec("errors", "count", "guardrail", "decrease"),
                _ => new MetricSpec($"clicks{m}", "count", "secondary", "increase"),
            });
        }

        var list = new ExperimentSpec[experiments];
        for (var e = 0; e < experiments; e++)
        {
            list[e] = new ExperimentSpec($"{prefix}-{e}", variantKeys, metricSpecs);
        }

        return list;
    }

    /// <summary>A stable variant for (user, experiment) so a user's events never contradict each other.</summary>
    public static int VariantOf(int user, int experiment, int variants)
    {
        var h = (uint)user * 2654435761u ^ ((uint)experiment * 40503u + 0x9E3779B9u);
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        return (int)(h % (uint)variants);
    }
}
