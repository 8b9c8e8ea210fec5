using System.Diagnostics.Metrics;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Metrics;

/// <summary>
/// The gateway's <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>Expothesis.Fast.Gateway</c>):
/// HTTP requests by route, method and status with their duration, assignments by reason, and the catalog's
/// version and experiment counts by status. <see cref="PrometheusExporter"/> renders them at <c>/metrics</c>.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Expothesis.Fast.Gateway";

    private static readonly string[] s_statusNames = CreateStatusNames();
    private static readonly string[] s_reasonNames = CreateReasonNames();
    private static readonly string[] s_statuses = ["draft", "running", "paused", "stopped", "archived"];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _assignments;
    private readonly IServiceProvider _services;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public GatewayMetrics(IMeterFactory meterFactory, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _services = services;
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("expothesis.http.requests", description: "HTTP requests answered, by route, method and status.");
        _duration = meter.CreateHistogram<double>("expothesis.http.request.duration", unit: "s", description: "HTTP request duration in seconds, by route.");
        _assignments = meter.CreateCounter<long>("expothesis.assignments", description: "Assignments evaluated, by reason.");
        meter.CreateObservableGauge("expothesis.catalog.version", ObserveVersion, description: "The experiment catalog's version.");
        meter.CreateObservableGauge("expothesis.experiments", ObserveExperiments, description: "Experiments by status.");
    }

    /// <summary>Counts one answered request.</summary>
    public void RecordRequest(string route, string method, int status, double seconds)
    {
        var statusName = (uint)status < (uint)s_statusNames.Length ? s_statusNames[status] : "other";
        _requests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", statusName));
        _duration.Record(seconds, new KeyValuePair<string, object?>("route", route));
    }

    /// <summary>Counts one assignment.</summary>
    public void RecordAssignment(AssignmentReason reason)
    {
        var name = (int)reason < s_reasonNames.Length ? s_reasonNames[(int)reason] : reason.ToWire();
        _assignments.Add(1, new KeyValuePair<string, object?>("reason", name));
    }

    private Measurement<long> ObserveVersion()
        => new(_services.GetService(typeof(ExperimentCatalog)) is ExperimentCatalog c ? c.Current.Version : 0);

    private IEnumerable<Measurement<long>> ObserveExperiments()
    {
        if (_services.GetService(typeof(ExperimentCatalog)) is not ExperimentCatalog catalog)
        {
            return [];
        }
        var counts = new long[s_statuses.Length];
        foreach (var e in catalog.Current.Experiments)
        {
            counts[(int)e.Status]++;
        }
        var result = new Measurement<long>[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            result[i] = new Measurement<long>(counts[i], new KeyValuePair<string, object?>("status", s_statuses[i]));
        }
        return result;
    }

    private static string[] CreateStatusNames()
    {
        var names = new string[600];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return names;
    }

    private static string[] CreateReasonNames()
    {
        var values = Enum.GetValues<AssignmentReason>();
        var names = new string[values.Length];
        foreach (var v in values)
        {
            names[(int)v] = v.ToWire();
        }
        return names;
    }

}
