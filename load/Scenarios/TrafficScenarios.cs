using System.Globalization;
using Expothesis.Fast.Load.Cli;
using Expothesis.Fast.Load.Http;
using Expothesis.Fast.Load.Measurement;
using Expothesis.Fast.Load.Reporting;
using Expothesis.Fast.Load.Workload;

namespace Expothesis.Fast.Load.Scenarios;

/// <summary>The ingest, assign, analysis, mixed and ramp scenarios.</summary>
internal sealed class TrafficScenarios(LoadOptions options, LoadHttpClient client, TextWriter log)
{
    private const int DefaultIngestConnections = 16;
    private const int DefaultAssignConnections = 32;
    private const int DefaultAnalysisConnections = 2;

    private IReadOnlyList<ExperimentSpec> Experiments =>
        WorkloadPlan.Experiments(options.Prefix, options.Experiments, options.Metrics, options.Variants);

    public async Task<RunReport> RunAsync(CancellationToken ct)
    {
        if (!options.NoSetup)
        {
            await ServerSetup.EnsureRunningAsync(client, Experiments, log, ct).ConfigureAwait(false);
        }

        return options.Scenario switch
        {
            "ingest" => await RunSingleAsync(IngestWorkload(options.Rate, options.Connections ?? DefaultIngestConnections), DefaultIngestConnections, ct).ConfigureAwait(false),
            "assign" => await RunSingleAsync(AssignWorkload(options.Rate, options.Connections ?? DefaultAssignConnections), DefaultAssignConnections, ct).ConfigureAwait(false),
            "analysis" => await RunSingleAsync(AnalysisWorkload(options.Rate, options.Connections ?? DefaultAnalysisConnections), DefaultAnalysisConnections, ct).ConfigureAwait(false),
            "mixed" => await RunMixedAsync(ct).ConfigureAwait(false),
            "ramp" => await RunRampAsync(ct).ConfigureAwait(false),
            _ => throw new ArgumentException($"not a traffic scenario: {options.Scenario}"),
        };
    }

    private Task<RunReport> RunSingleAsync(Workload workload, int defaultConnections, CancellationToken ct) =>
        RunSession.RunAsync(options, RunSession.ModelOf(options, defaultConnections), [workload], Parameters(), ct);

    internal Workload IngestWorkload(double? rate, int connections)
    {
        var factory = new BodyFactory(Experiments, options.Users, options.Seed);
        var bodies = factory.EventBatches(options.Bodies, options.BatchSize, options.ExposureShare, options.EventIds);
        var uri = client.Resolve("api/v1/events/batch");
        var stats = new OperationStats("ingest", countsEvents: true);
        var maxRequests = options.Requests ?? (options.Events is { } events ? (events + options.BatchSize - 1) / options.BatchSize : null);
        var requests = bodies.Select(b => client.Prepare(HttpMethod.Post, uri, b)).ToArray();
        return new Workload(stats, (seq, ct) => client.PostBatchAsync(requests[seq % requests.Length], stats, ct), rate, connections,
            new RequestBudget(maxRequests));
    }

    internal Workload AssignWorkload(double? rate, int connections)
    {
        var factory = new BodyFactory(Experiments, options.Users, options.Seed);
        var bodies = factory.AssignBodies(Math.Max(options.Bodies, 4096), options.ExperimentsPerCall, expose: !options.NoExpose);
        var uri = client.Resolve("api/v1/assign");
        var stats = new OperationStats("assign");
        var requests = bodies.Select(b => client.Prepare(HttpMethod.Post, uri, b)).ToArray();
        return new Workload(stats, (seq, ct) => client.SendAsync(requests[seq % requests.Length], stats, ct), rate, connections,
            new RequestBudget(options.Requests));
    }

    internal Workload AnalysisWorkload(double? rate, int connections)
    {
        var key = options.Experiment ?? Experiments[0].Key;
        var uri = client.Resolve($"api/v1/experiments/{Uri.EscapeDataString(key)}/analysis");
        var stats = new OperationStats("analysis");
        var request = client.Prepare(HttpMethod.Get, uri, null);
        return new Workload(stats, (_, ct) => client.SendAsync(request, stats, ct), rate, connections, new RequestBudget(options.Requests));
    }

    private async Task<RunReport> RunMixedAsync(CancellationToken ct)
    {
        var workloads = new List<Workload>();
        if (options.AssignRate > 0)
        {
            workloads.Add(AssignWorkload(options.AssignRate, 1));
        }

        if (options.IngestRate > 0)
        {
            workloads.Add(IngestWorkload(options.IngestRate, 1));
        }

        if (options.AnalysisRate > 0)
        {
            workloads.Add(AnalysisWorkload(options.AnalysisRate, 1));
        }

        var model = string.Create(CultureInfo.InvariantCulture,
            $"open: assign {options.AssignRate}/s, ingest {options.IngestRate}/s, analysis {options.AnalysisRate}/s");
        return await RunSession.RunAsync(options, model, workloads, Parameters(), ct).ConfigureAwait(false);
    }

    /// <summary>Open-model steps of increasing rate until p99 or the error rate breaks its bound.</summary>
    private async Task<RunReport> RunRampAsync(CancellationToken ct)
    {
        var steps = new List<RampStep>();
        var rate = options.Rate ?? options.RampStart;
        RunReport? lastPassing = null;
        RunReport? last = null;
        double? maxRate = null;
        while (!ct.IsCancellationRequested)
        {
            var workload = options.RampTarget == "assign" ? AssignWorkload(rate, 1) : IngestWorkload(rate, 1);
            var report = await RunSession.RunAsync(options, $"open {ReportFormatter.Count(rate)}/s", [workload], Parameters(), ct,
                durationOverride: options.RampStep, display: false).ConfigureAwait(false);
            last = report;
            var op = report.Operations[0];
            var errorRate = op.Requests == 0 ? 1 : (double)op.Failed / op.Requests;
            var achieved = op.RequestsPerSecond;
            var passed = op.Requests > 0 && op.P99Ms <= options.RampP99.TotalMilliseconds && errorRate <= options.RampMaxErrorRate
                && achieved >= rate * 0.9;
            steps.Add(new RampStep(rate, achieved, op.P99Ms, errorRate, passed));
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"ramp {options.RampTarget}: rate {ReportFormatter.Count(rate)}/s achieved {ReportFormatter.Count(achieved)}/s p99 {ReportFormatter.Millis(op.P99Ms)} ms errors {errorRate:0.####} {(passed ? "ok" : "BROKEN")}")).ConfigureAwait(false);
            if (!passed)
            {
                break;
            }

            maxRate = rate;
            lastPassing = report;
            rate *= options.RampFactor;
        }

        var basis = lastPassing ?? last ?? throw new OperationCanceledException(ct);
        return basis with
        {
            Model = $"ramp ×{options.RampFactor.ToString(CultureInfo.InvariantCulture)} per {options.RampStep.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, p99 ≤ {options.RampP99.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms",
            Ramp = steps,
            MaxSustainableRate = maxRate,
        };
    }

    private Dictionary<string, string> Parameters()
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["experiments"] = options.Experiments.ToString(CultureInfo.InvariantCulture),
            ["users"] = options.Users.ToString(CultureInfo.InvariantCulture),
            ["warmup_s"] = options.Warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (options.Scenario is "ingest" or "mixed" or "ramp")
        {
            p["batch"] = options.BatchSize.ToString(CultureInfo.InvariantCulture);
            p["metrics"] = options.Metrics.ToString(CultureInfo.InvariantCulture);
            p["exposure_share"] = options.ExposureShare.ToString(CultureInfo.InvariantCulture);
        }

        if (options.Events is { } e)
        {
            p["events"] = e.ToString(CultureInfo.InvariantCulture);
        }

        return p;
    }
}
