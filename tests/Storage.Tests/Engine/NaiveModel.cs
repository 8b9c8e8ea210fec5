using Expothesis.Fast.Assignment;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Engine;

/// <summary>
/// The reference for the sums test: applies DESIGN.md's rules to the events one by one (pass one decides
/// outcomes and collects the accepted events), then recomputes every unit's y from its accepted events and
/// sums y and y² over exposed units (pass two).
/// </summary>
internal sealed class NaiveModel(IIngestSchema schema)
{
    private readonly Dictionary<(int, string), int> _exposed = [];
    private readonly Dictionary<(int, string), int> _stored = [];
    private readonly HashSet<(int, string, string)> _seen = [];
    private readonly List<(TestEvent Event, int Variant)> _acceptedMetricEvents = [];

    public void Store(int experiment, string unit, int variant) => _stored.TryAdd((experiment, unit), variant);

    public RejectionCode Apply(TestEvent e)
    {
        bool allowExpose = true;
        switch (schema.GetStatus(e.Experiment))
        {
            case ExperimentStatus.Running:
                break;
            case ExperimentStatus.Paused:
                allowExpose = false;
                break;
            case ExperimentStatus.Draft:
                return RejectionCode.ExperimentNotRunning;
            default:
                return RejectionCode.ExperimentStopped;
        }
        if (e.EventId is not null && _seen.Contains((e.Experiment, e.Unit, e.EventId)))
        {
            return RejectionCode.Duplicate;
        }
        bool logged = false;
        int variant;
        if (_exposed.TryGetValue((e.Experiment, e.Unit), out int exposed))
        {
            if (e.Variant >= 0 && e.Variant != exposed)
            {
                return RejectionCode.VariantMismatch;
            }
            variant = exposed;
        }
        else
        {
            int candidate = e.Variant;
            if (_stored.TryGetValue((e.Experiment, e.Unit), out int stored))
            {
                if (candidate >= 0 && candidate != stored)
                {
                    return RejectionCode.VariantMismatch;
                }
                if (candidate < 0 && e.IsExposure)
                {
                    candidate = stored;
                }
            }
            if (candidate < 0)
            {
                return RejectionCode.NotExposed;
            }
            if (!allowExpose)
            {
                return RejectionCode.ExperimentNotRunning;
            }
            _exposed[(e.Experiment, e.Unit)] = candidate;
            variant = candidate;
            logged = true;
        }
        if (!e.IsExposure)
        {
            _acceptedMetricEvents.Add((e, variant));
            logged = true;
        }
        if (logged && e.EventId is not null)
        {
            _seen.Add((e.Experiment, e.Unit, e.EventId));
        }
        return RejectionCode.None;
    }

    /// <summary>Pass two: y per (unit, metric) from the accepted events, then (n, S1, S2) per variant and metric.</summary>
    public VariantMoments Moments(int experiment, int variant, int metric)
    {
        var kind = schema.GetMetricKind(experiment, metric);
        var y = new Dictionary<string, double>();
        foreach (var (e, v) in _acceptedMetricEvents)
        {
            if (e.Experiment != experiment || e.Metric != metric || v != variant)
            {
                continue;
            }
            y.TryGetValue(e.Unit, out double cur);
            y[e.Unit] = kind switch
            {
                MetricKind.Binary => 1,
                MetricKind.Count => cur + 1,
                _ => cur + e.Value,
            };
        }
        long n = 0;
        double s1 = 0, s2 = 0;
        foreach (var ((exp, unit), v) in _exposed)
        {
            if (exp != experiment || v != variant)
            {
                continue;
            }
            n++;
            double yu = y.GetValueOrDefault(unit);
            s1 += yu;
            s2 += yu * yu;
        }
        return new VariantMoments(n, s1, s2);
    }

    public long Units(int experiment, int variant) => _exposed.Count(kv => kv.Key.Item1 == experiment && kv.Value == variant);
}
