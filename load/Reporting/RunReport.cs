using System.Diagnostics;
using Expothesis.Fast.Load.Measurement;

namespace Expothesis.Fast.Load.Reporting;

/// <summary>The measured result of one request type.</summary>
internal sealed record OperationReport
{
    public required string Name { get; init; }

    public bool CountsEvents { get; init; }

    public long Requests { get; init; }

    public long Ok { get; init; }

    public long Failed { get; init; }

    public long EventsAccepted { get; init; }

    public long EventsRejected { get; init; }

    public double Seconds { get; init; }

    public double RequestsPerSecond { get; init; }

    public double EventsPerSecond { get; init; }

    public double MeanMs { get; init; }

    public double P50Ms { get; init; }

    public double P90Ms { get; init; }

    public double P99Ms { get; init; }

    public double P999Ms { get; init; }

    public double MaxMs { get; init; }

    public IReadOnlyDictionary<string, long> Errors { get; init; } = new Dictionary<string, long>();

    public string? FirstError { get; init; }

    /// <summary>Builds the report from <paramref name="stats"/>; seconds run from the end of warm-up to the last completion.</summary>
    public static OperationReport From(OperationStats stats)
    {
        var from = stats.MeasureFrom;
        var last = stats.LastCompletion;
        var seconds = last > from && from != long.MaxValue ? (double)(last - from) / Stopwatch.Frequency : 0;
        var h = stats.Latency;
        return new OperationReport
        {
            Name = stats.Name,
            CountsEvents = stats.CountsEvents,
            Requests = h.Count,
            Ok = stats.Ok,
            Failed = stats.Failed,
            EventsAccepted = stats.Accepted,
            EventsRejected = stats.Rejected,
            Seconds = seconds,
            RequestsPerSecond = seconds > 0 ? stats.Ok / seconds : 0,
            EventsPerSecond = seconds > 0 ? stats.Accepted / seconds : 0,
            MeanMs = h.Mean / 1e6,
            P50Ms = h.ValueAtPercentile(50) / 1e6,
            P90Ms = h.ValueAtPercentile(90) / 1e6,
            P99Ms = h.ValueAtPercentile(99) / 1e6,
            P999Ms = h.ValueAtPercentile(99.9) / 1e6,
            MaxMs = h.Max / 1e6,
            Errors = new SortedDictionary<string, long>(stats.Errors.ToDictionary(), StringComparer.Ordinal),
            FirstError = stats.FirstError,
        };
    }
}

/// <summary>CPU seconds used during the measured window.</summary>
internal sealed record CpuReport(double? ServerSeconds, double? OtherSeconds, double? EventsPerCpuSecond, double? RequestsPerCpuSecond)
{
    /// <summary>CPU seconds of the load generator itself (to see whether it was the bottleneck).</summary>
    public double? LoadSeconds { get; init; }

    public double? TotalSeconds => ServerSeconds is null && OtherSeconds is null ? null : (ServerSeconds ?? 0) + (OtherSeconds ?? 0);
}

/// <summary>One step of a ramp.</summary>
internal sealed record RampStep(double Rate, double AchievedPerSecond, double P99Ms, double ErrorRate, bool Passed);

/// <summary>Everything a run measured, as printed, written to JSON and appended as Markdown.</summary>
internal sealed record RunReport
{
    public required string Scenario { get; init; }

    public string? Label { get; init; }

    /// <summary>"open 2000/s" or "closed 16 connections".</summary>
    public required string Model { get; init; }

    public required string Url { get; init; }

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public string Machine { get; init; } = MachineDescription();

    public string CommandLine { get; init; } = "";

    /// <summary>1-minute load average of the machine when the run started and when it ended (/proc/loadavg).</summary>
    public string? LoadAverage { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<OperationReport> Operations { get; init; } = [];

    public CpuReport? Cpu { get; init; }

    public IReadOnlyList<RampStep>? Ramp { get; init; }

    /// <summary>Ramp: the highest rate whose step kept p99 and errors within bounds.</summary>
    public double? MaxSustainableRate { get; init; }

    /// <summary>The 1-minute load average, or null where /proc/loadavg is missing.</summary>
    public static double? ReadLoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            var first = text.Split(' ', 2)[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string MachineDescription()
    {
        var model = "unknown CPU";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    model = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // keep "unknown CPU"
        }

        return $"{Environment.ProcessorCount} cores, {model}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
    }
}
