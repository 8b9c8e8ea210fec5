using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Expothesis.Fast.Gateway.Metrics;

/// <summary>
/// Listens to every instrument of meters named <c>Expothesis*</c> (those of this host's meter factory and
/// static ones), aggregates counters (sums), histograms (fixed buckets) and observable instruments (last
/// value, taken at scrape), and renders them together with the registered <see cref="IMetricsSource"/>s
/// in Prometheus text format 0.0.4. Names: dots become underscores, counters end in <c>_total</c>,
/// histograms in seconds end in <c>_seconds</c>.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] s_secondsBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _states = new();
    private readonly IEnumerable<IMetricsSource> _sources;
    private readonly Lock _scrapeLock = new();

    /// <summary>Starts listening.</summary>
    public PrometheusExporter(IMeterFactory meterFactory, IEnumerable<IMetricsSource> sources)
    {
        _sources = sources;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            var meter = instrument.Meter;
            if (!meter.Name.StartsWith("Expothesis", StringComparison.Ordinal) || (meter.Scope is not null && !ReferenceEquals(meter.Scope, meterFactory)))
            {
                return;
            }
            var state = new InstrumentState(instrument);
            _states[instrument] = state;
            listener.EnableMeasurementEvents(instrument, state);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _states.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Renders the current values.</summary>
    public string Render()
    {
        lock (_scrapeLock)
        {
            foreach (var state in _states.Values)
            {
                if (state.IsObservable)
                {
                    state.Clear();
                }
            }
            _listener.RecordObservableInstruments();
            var writer = new MetricsWriter();
            foreach (var state in _states.Values.OrderBy(static s => s.Name, StringComparer.Ordinal))
            {
                state.Write(writer);
            }
            foreach (var source in _sources)
            {
                source.Collect(writer);
            }
            return writer.ToString();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private readonly record struct TagSet(string? K0, object? V0, string? K1, object? V1, string? K2, object? V2, string? K3, object? V3)
    {
        public static TagSet From(ReadOnlySpan<KeyValuePair<string, object?>> tags) => tags.Length switch
        {
            0 => default,
            1 => new(tags[0].Key, tags[0].Value, null, null, null, null, null, null),
            2 => new(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value, null, null, null, null),
            3 => new(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value, tags[2].Key, tags[2].Value, null, null),
            _ => new(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value, tags[2].Key, tags[2].Value, tags[3].Key, tags[3].Value),
        };

        public KeyValuePair<string, string>[] Labels(string? extraKey = null, string? extraValue = null)
        {
            var list = new List<KeyValuePair<string, string>>(5);
            Add(list, K0, V0);
            Add(list, K1, V1);
            Add(list, K2, V2);
            Add(list, K3, V3);
            if (extraKey is not null)
            {
                list.Add(new(extraKey, extraValue ?? ""));
            }
            return [.. list];

            static void Add(List<KeyValuePair<string, string>> list, string? key, object? value)
            {
                if (key is not null)
                {
                    list.Add(new(PrometheusName(key), Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                }
            }
        }
    }

    private sealed class Cell
    {
        public double Value;
        public long Count;
        public long[]? Buckets;
    }

    private sealed class InstrumentState
    {
        private readonly Instrument _instrument;
        private readonly ConcurrentDictionary<TagSet, Cell> _cells = new();
        private readonly double[]? _bounds;
        private readonly MetricType _type;

        public InstrumentState(Instrument instrument)
        {
            _instrument = instrument;
            string baseName = PrometheusName(instrument.Name);
            Type t = instrument.GetType();
            bool histogram = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Histogram<>);
            bool counter = t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(Counter<>) || t.GetGenericTypeDefinition() == typeof(ObservableCounter<>));
            IsObservable = instrument.IsObservable;
            if (histogram)
            {
                _type = MetricType.Histogram;
                _bounds = s_secondsBuckets;
                Name = instrument.Unit == "s" && !baseName.EndsWith("_seconds", StringComparison.Ordinal) ? baseName + "_seconds" : baseName;
            }
            else if (counter)
            {
                _type = MetricType.Counter;
                Name = baseName.EndsWith("_total", StringComparison.Ordinal) ? baseName : baseName + "_total";
            }
            else
            {
                _type = MetricType.Gauge;
                Name = baseName;
            }
        }

        public string Name { get; }

        public bool IsObservable { get; }

        public void Clear() => _cells.Clear();

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = TagSet.From(tags);
            if (!_cells.TryGetValue(key, out var cell))
            {
                cell = _cells.GetOrAdd(key, _ => new Cell { Buckets = _bounds is null ? null : new long[_bounds.Length + 1] });
            }
            lock (cell)
            {
                if (_type == MetricType.Histogram)
                {
                    int i = 0;
                    while (i < _bounds!.Length && value > _bounds[i])
                    {
                        i++;
                    }
                    cell.Buckets![i]++;
                    cell.Count++;
                    cell.Value += value;
                }
                else if (IsObservable || _type == MetricType.Gauge)
                {
                    cell.Value = value;
                }
                else
                {
                    cell.Value += value;
                }
            }
        }

        public void Write(MetricsWriter writer)
        {
            string help = _instrument.Description ?? _instrument.Name;
            foreach (var (tags, cell) in _cells.OrderBy(static c => c.Key.ToString(), StringComparer.Ordinal))
            {
                lock (cell)
                {
                    if (_type != MetricType.Histogram)
                    {
                        writer.Sample(Name, _type, help, Name, cell.Value, tags.Labels());
                        continue;
                    }
                    long cumulative = 0;
                    for (int i = 0; i < _bounds!.Length; i++)
                    {
                        cumulative += cell.Buckets![i];
                        writer.Sample(Name, _type, help, Name + "_bucket", cumulative, tags.Labels("le", MetricsWriter.FormatValue(_bounds[i])));
                    }
                    writer.Sample(Name, _type, help, Name + "_bucket", cell.Count, tags.Labels("le", "+Inf"));
                    writer.Sample(Name, _type, help, Name + "_sum", cell.Value, tags.Labels());
                    writer.Sample(Name, _type, help, Name + "_count", cell.Count, tags.Labels());
                }
            }
        }
    }

    private static string PrometheusName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        return sb.ToString();
    }
}
