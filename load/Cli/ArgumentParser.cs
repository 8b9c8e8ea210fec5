using System.Globalization;

namespace Expothesis.Fast.Load.Cli;

/// <summary>Parses <c>load &lt;scenario&gt; [--option value | --flag]...</c> into <see cref="LoadOptions"/>.</summary>
internal static class ArgumentParser
{
    public static readonly IReadOnlyList<string> Scenarios = ["ingest", "assign", "mixed", "ramp", "analysis", "simulate"];

    public const string Usage = """
        usage: load <scenario> [options]
          scenarios: ingest | assign | mixed | ramp | analysis | simulate
          --url URL              server (default http://127.0.0.1:5080)
          --api-key KEY          sent as X-API-Key
          --duration D           measured time, e.g. 10s, 500ms, 2m (default 10s)
          --warmup D             unmeasured time before (default 2s)
          --rate R               open model: requests/s, latency from each request's intended send time
          --connections N        closed model: N concurrent request loops
          --max-in-flight N      open model: requests in flight and HTTP connections (default 256)
          --events N             ingest: stop after N events
          --requests N           stop after N requests
          --batch N              events per batch (default 500)
          --users N --experiments N --metrics N --variants N --experiments-per-call N
          --bodies N             distinct pre-generated bodies (default 256)
          --exposure-share X     share of exposure events in a batch (default 0.1)
          --event-ids            give every generated event an event_id
          --no-expose            assign with expose: false
          --raw                  raw-socket HTTP/1.1 client (one write per request) instead of HttpClient
          --prefix P             experiment key prefix (default load)
          --no-setup             do not create/start experiments
          --server-pid PID       server CPU seconds from /proc (with its child processes)
          --cpu-pids A,B         more processes to account for (e.g. postgres)
          --json FILE            write the report as JSON
          --markdown FILE        append the report as a Markdown table
          --label TEXT           name of this run in reports
          --plain                no live display
          --seed N               workload seed (default 42)
          mixed: --assign-rate R --ingest-rate R --analysis-rate R
          ramp:  --target ingest|assign --start R --factor F --step D --p99 D --max-error-rate X
          analysis/simulate: --experiment KEY --lift X --baseline X --revenue-mean X --no-stop
        """;

    /// <summary>Parses <paramref name="args"/>; on failure returns null and sets <paramref name="error"/>.</summary>
    public static LoadOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            error = "missing scenario";
            return null;
        }

        var options = new LoadOptions { Scenario = args[0] };
        if (!Scenarios.Contains(options.Scenario))
        {
            error = $"unknown scenario '{args[0]}'";
            return null;
        }

        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{name}'";
                return null;
            }

            string? inlineValue = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                inlineValue = name[(eq + 1)..];
                name = name[..eq];
            }

            if (TryApplyFlag(options, name))
            {
                continue;
            }

            string value;
            if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                error = $"option {name} needs a value";
                return null;
            }

            try
            {
                if (!TryApplyValue(options, name, value))
                {
                    error = $"unknown option {name}";
                    return null;
                }
            }
            catch (FormatException ex)
            {
                error = $"{name}: {ex.Message}";
                return null;
            }
        }

        error = Validate(options);
        return error is null ? options : null;
    }

    /// <summary>Parses 10s, 250ms, 2m, 1h, 1.5 (seconds) into a <see cref="TimeSpan"/>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var t = text.Trim();
        (string number, double scale) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (t[..^2], 0.001),
            _ when t.EndsWith("us", StringComparison.OrdinalIgnoreCase) => (t[..^2], 0.000_001),
            _ when t.EndsWith('s') => (t[..^1], 1.0),
            _ when t.EndsWith('m') => (t[..^1], 60.0),
            _ when t.EndsWith('h') => (t[..^1], 3600.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < 0 || !double.IsFinite(v))
        {
            throw new FormatException($"'{text}' is not a duration (e.g. 10s, 500ms, 2m)");
        }

        return TimeSpan.FromSeconds(v * scale);
    }

    private static bool TryApplyFlag(LoadOptions o, string name)
    {
        switch (name)
        {
            case "--no-setup": o.NoSetup = true; return true;
            case "--plain": o.Plain = true; return true;
            case "--event-ids": o.EventIds = true; return true;
            case "--no-expose": o.NoExpose = true; return true;
            case "--raw": o.Raw = true; return true;
            case "--no-stop": o.UntilDecision = false; return true;
            default: return false;
        }
    }

    private static bool TryApplyValue(LoadOptions o, string name, string value)
    {
        switch (name)
        {
            case "--url": o.Url = new Uri(value.TrimEnd('/'), UriKind.Absolute); break;
            case "--api-key": o.ApiKey = value; break;
            case "--duration": o.Duration = ParseDuration(value); o.DurationGiven = true; break;
            case "--warmup": o.Warmup = ParseDuration(value); break;
            case "--rate": o.Rate = PositiveDouble(value); break;
            case "--connections": o.Connections = PositiveInt(value); break;
            case "--max-in-flight": o.MaxInFlight = PositiveInt(value); break;
            case "--events": o.Events = (long)PositiveDouble(value); break;
            case "--requests": o.Requests = (long)PositiveDouble(value); break;
            case "--batch": o.BatchSize = PositiveInt(value); break;
            case "--users": o.Users = PositiveInt(value); break;
            case "--experiments": o.Experiments = PositiveInt(value); break;
            case "--metrics": o.Metrics = PositiveInt(value); break;
            case "--variants": o.Variants = PositiveInt(value); break;
            case "--experiments-per-call": o.ExperimentsPerCall = PositiveInt(value); break;
            case "--bodies": o.Bodies = PositiveInt(value); break;
            case "--exposure-share": o.ExposureShare = Share(value); break;
            case "--prefix": o.Prefix = value; break;
            case "--server-pid": o.ServerPid = PositiveInt(value); break;
            case "--cpu-pids": o.CpuPids = ParsePids(value); break;
            case "--json": o.JsonPath = value; break;
            case "--markdown": o.MarkdownPath = value; break;
            case "--label": o.Label = value; break;
            case "--seed": o.Seed = int.Parse(value, CultureInfo.InvariantCulture); break;
            case "--assign-rate": o.AssignRate = NonNegativeDouble(value); break;
            case "--ingest-rate": o.IngestRate = NonNegativeDouble(value); break;
            case "--analysis-rate": o.AnalysisRate = NonNegativeDouble(value); break;
            case "--target": o.RampTarget = value; break;
            case "--start": o.RampStart = PositiveDouble(value); break;
            case "--factor": o.RampFactor = PositiveDouble(value); break;
            case "--step": o.RampStep = ParseDuration(value); break;
            case "--p99": o.RampP99 = ParseDuration(value); break;
            case "--max-error-rate": o.RampMaxErrorRate = Share(value); break;
            case "--experiment": o.Experiment = value; break;
            case "--lift": o.Lift = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture); break;
            case "--baseline": o.BaselineRate = Share(value); break;
            case "--revenue-mean": o.RevenueMean = NonNegativeDouble(value); break;
            default: return false;
        }

        return true;
    }

    private static string? Validate(LoadOptions o)
    {
        if (o.Rate is not null && o.Connections is not null)
        {
            return "--rate (open model) and --connections (closed model) exclude each other";
        }

        if (o.RampFactor <= 1)
        {
            return "--factor must be greater than 1";
        }

        if (o.RampTarget is not ("ingest" or "assign"))
        {
            return "--target must be ingest or assign";
        }

        if (o.Variants < 2)
        {
            return "--variants must be at least 2";
        }

        if (o.Scenario == "analysis" && o.Experiment is null && o.NoSetup)
        {
            return "analysis with --no-setup needs --experiment";
        }

        return o.ExperimentsPerCall > o.Experiments && o.Scenario is "assign" or "mixed"
            ? "--experiments-per-call cannot exceed --experiments"
            : null;
    }

    private static int PositiveInt(string v)
    {
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new FormatException($"'{v}' is not a positive integer");
        }

        return n;
    }

    private static double PositiveDouble(string v)
    {
        var d = NonNegativeDouble(v);
        return d > 0 ? d : throw new FormatException($"'{v}' must be positive");
    }

    private static double NonNegativeDouble(string v)
    {
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d) || d < 0)
        {
            throw new FormatException($"'{v}' is not a non-negative number");
        }

        return d;
    }

    private static double Share(string v)
    {
        var d = NonNegativeDouble(v);
        return d <= 1 ? d : throw new FormatException($"'{v}' must be between 0 and 1");
    }

    private static int[] ParsePids(string v) =>
        [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PositiveInt)];
}
