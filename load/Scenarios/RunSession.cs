using System.Globalization;
using Expothesis.Fast.Load.Cli;
using Expothesis.Fast.Load.Measurement;
using Expothesis.Fast.Load.Reporting;

namespace Expothesis.Fast.Load.Scenarios;

/// <summary>One request type of a run: its stats and how it sends.</summary>
/// <param name="Stats">Where outcomes are recorded.</param>
/// <param name="Send">Sends request number n.</param>
/// <param name="Rate">Open model rate, or null for the closed model.</param>
/// <param name="Connections">Closed model loops (ignored in the open model).</param>
/// <param name="Budget">Request cap.</param>
internal sealed record Workload(OperationStats Stats, SendRequest Send, double? Rate, int Connections, RequestBudget Budget);

/// <summary>Runs workloads together over one window with a live display and CPU sampling, and builds the report.</summary>
internal static class RunSession
{
    public static async Task<RunReport> RunAsync(LoadOptions options, string model, IReadOnlyList<Workload> workloads,
        IReadOnlyDictionary<string, string> parameters, CancellationToken ct, TimeSpan? durationOverride = null, bool display = true)
    {
        var loadBefore = RunReport.ReadLoadAverage();
        var limited = workloads.Any(w => w.Budget.IsLimited);
        var duration = durationOverride ?? (limited && !options.DurationGiven ? (TimeSpan?)null : options.Duration);
        var window = RunWindow.StartingNow(options.Warmup, duration, TimeSpan.FromSeconds(10));
        var cpu = new CpuMeter(options.ServerPid, options.CpuPids);
        var cpuStarted = Task.Delay(options.Warmup, ct).ContinueWith(_ => cpu.Start(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

        var runs = workloads.Select(w => w.Rate is { } rate
            ? OpenModelRunner.RunAsync(rate, options.MaxInFlight, window, w.Send, w.Stats, w.Budget, ct)
            : ClosedModelRunner.RunAsync(w.Connections, window, w.Send, w.Stats, w.Budget, ct)).ToArray();
        var all = Task.WhenAll(runs);
        if (display)
        {
            await LiveDisplay.ShowAsync([.. workloads.Select(w => w.Stats)], all, options.Plain).ConfigureAwait(false);
        }

        await all.ConfigureAwait(false);
        await cpuStarted.ConfigureAwait(false);
        var (server, others) = cpu.Stop();

        var operations = workloads.Select(w => OperationReport.From(w.Stats)).ToList();
        CpuReport? cpuReport = null;
        if (server is not null || others is not null)
        {
            var total = (server ?? 0) + (others ?? 0);
            var events = operations.Where(o => o.CountsEvents).Sum(o => o.EventsAccepted);
            var requests = operations.Sum(o => o.Ok);
            cpuReport = new CpuReport(server, others, events > 0 && total > 0 ? events / total : null, total > 0 ? requests / total : null);
        }

        cpuReport = (cpuReport ?? new CpuReport(null, null, null, null)) with { LoadSeconds = cpu.SelfSeconds };

        return new RunReport
        {
            Scenario = options.Scenario,
            Label = options.Label,
            Model = model,
            Url = options.Url.ToString(),
            CommandLine = "load " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            Parameters = parameters,
            LoadAverage = loadBefore is { } b && RunReport.ReadLoadAverage() is { } a
                ? string.Create(CultureInfo.InvariantCulture, $"{b:0.0} -> {a:0.0}")
                : null,
            Operations = operations,
            Cpu = cpuReport,
        };
    }

    /// <summary>"open 2,000/s" or "closed 16 connections" for the report.</summary>
    public static string ModelOf(LoadOptions options, int defaultConnections) => options.Rate is { } r
        ? $"open {ReportFormatter.Count(r)}/s"
        : $"closed {(options.Connections ?? defaultConnections).ToString(CultureInfo.InvariantCulture)} connections";
}
