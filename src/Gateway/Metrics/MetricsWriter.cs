using System.Globalization;
using System.Text;

namespace Expothesis.Fast.Gateway.Metrics;

/// <summary>A source of samples collected at every <c>/metrics</c> scrape (the ingest counters register one).</summary>
public interface IMetricsSource
{
    /// <summary>Writes the source's current values.</summary>
    void Collect(MetricsWriter writer);
}

/// <summary>The kind of a metric family (Prometheus <c># TYPE</c>).</summary>
public enum MetricType
{
    /// <summary>Monotonic total.</summary>
    Counter,
    /// <summary>Current value.</summary>
    Gauge,
    /// <summary>Bucketed distribution.</summary>
    Histogram,
}

/// <summary>
/// Collects samples by family and renders Prometheus text exposition format 0.0.4: one <c># HELP</c> and
/// <c># TYPE</c> per family, its samples contiguous, label values escaped.
/// </summary>
public sealed class MetricsWriter
{
    /// <summary>The content type of the rendered text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly List<Family> _order = [];

    /// <summary>Adds a counter sample.</summary>
    public void Counter(string name, string help, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels)
        => Sample(name, MetricType.Counter, help, name, value, labels);

    /// <summary>Adds a gauge sample.</summary>
    public void Gauge(string name, string help, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels)
        => Sample(name, MetricType.Gauge, help, name, value, labels);

    /// <summary>Adds a raw sample line of family <paramref name="family"/> (for histogram <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    public void Sample(string family, MetricType type, string help, string sampleName, double value, ReadOnlySpan<KeyValuePair<string, string>> labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        if (!_families.TryGetValue(family, out var f))
        {
            f = new Family(family, type, help);
            _families[family] = f;
            _order.Add(f);
        }
        var line = new StringBuilder(sampleName);
        if (labels.Length > 0)
        {
            line.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }
                line.Append(labels[i].Key).Append("=\"");
                foreach (char c in labels[i].Value)
                {
                    switch (c)
                    {
                        case '\\': line.Append("\\\\"); break;
                        case '"': line.Append("\\\""); break;
                        case '\n': line.Append("\\n"); break;
                        default: line.Append(c); break;
                    }
                }
                line.Append('"');
            }
            line.Append('}');
        }
        line.Append(' ').Append(FormatValue(value));
        f.Lines.Add(line.ToString());
    }

    /// <summary>The exposition text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var f in _order)
        {
            text.Append("# HELP ").Append(f.Name).Append(' ').Append(f.Help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            text.Append("# TYPE ").Append(f.Name).Append(' ').Append(f.Type switch
            {
                MetricType.Counter => "counter",
                MetricType.Gauge => "gauge",
                _ => "histogram",
            }).Append('\n');
            foreach (var line in f.Lines)
            {
                text.Append(line).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>A sample value as Prometheus writes it (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>).</summary>
    public static string FormatValue(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }
        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }
        return double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
    }

    private sealed class Family(string name, MetricType type, string help)
    {
        public string Name { get; } = name;

        public MetricType Type { get; } = type;

        public string Help { get; } = help;

        public List<string> Lines { get; } = [];
    }
}
