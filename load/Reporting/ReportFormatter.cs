using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Expothesis.Fast.Load.Reporting;

/// <summary>Renders a <see cref="RunReport"/> as a plain-text table, a Markdown section, or JSON.</summary>
internal static class ReportFormatter
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static readonly IReadOnlyList<string> Columns =
        ["operation", "ok", "req/s", "events/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors"];

    /// <summary>The row of one operation, formatted (same cells in every output format).</summary>
    public static IReadOnlyList<string> Row(OperationReport op) =>
    [
        op.Name,
        Count(op.Ok),
        Count(op.RequestsPerSecond),
        op.CountsEvents ? Count(op.EventsPerSecond) : "-",
        Millis(op.P50Ms),
        Millis(op.P90Ms),
        Millis(op.P99Ms),
        Millis(op.P999Ms),
        Millis(op.MaxMs),
        ErrorsText(op),
    ];

    public static string ErrorsText(OperationReport op)
    {
        var parts = op.Errors.Select(kv => $"{kv.Key}: {Count(kv.Value)}").ToList();
        if (op.EventsRejected > 0)
        {
            parts.Add($"rejected events: {Count(op.EventsRejected)}");
        }

        return parts.Count == 0 ? "0" : string.Join(", ", parts);
    }

    /// <summary>Summary lines under the table: CPU, ramp result.</summary>
    public static IReadOnlyList<string> Footer(RunReport report)
    {
        var lines = new List<string>();
        if (report.Cpu is { } cpu)
        {
            var parts = new List<string>();
            if (cpu.ServerSeconds is { } s)
            {
                parts.Add($"server CPU {s.ToString("0.00", CultureInfo.InvariantCulture)} s");
            }

            if (cpu.OtherSeconds is { } o)
            {
                parts.Add($"other CPU {o.ToString("0.00", CultureInfo.InvariantCulture)} s");
            }

            if (cpu.EventsPerCpuSecond is { } e)
            {
                parts.Add($"{Count(e)} events per CPU-second");
            }

            if (cpu.RequestsPerCpuSecond is { } r)
            {
                parts.Add($"{Count(r)} requests per CPU-second");
            }

            if (cpu.LoadSeconds is { } l)
            {
                parts.Add($"load generator CPU {l.ToString("0.00", CultureInfo.InvariantCulture)} s");
            }

            lines.Add(string.Join(", ", parts));
        }

        if (report.LoadAverage is { } load)
        {
            lines.Add($"machine load average (1 min) before -> after: {load}");
        }

        if (report.MaxSustainableRate is { } max)
        {
            lines.Add($"max sustainable rate: {Count(max)} requests/s");
        }
        else if (report.Ramp is not null)
        {
            lines.Add("max sustainable rate: none (the first step already broke a bound)");
        }

        return lines;
    }

    public static string ToText(RunReport report)
    {
        var rows = new List<IReadOnlyList<string>> { Columns };
        rows.AddRange(report.Operations.Select(Row));
        var widths = new int[Columns.Count];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Title(report)}\n");
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append("  ");
                }

                sb.Append(i == 0 || i == row.Count - 1 ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i]));
            }

            sb.Append('\n');
        }

        AppendRamp(report, sb, markdown: false);
        foreach (var line in Footer(report))
        {
            sb.Append(line).Append('\n');
        }

        return sb.ToString();
    }

    public static string ToMarkdown(RunReport report)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"### {Title(report)}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.Machine}");
        if (!string.IsNullOrEmpty(report.CommandLine))
        {
            sb.Append(CultureInfo.InvariantCulture, $"; `{report.CommandLine}`");
        }

        sb.Append("\n\n| ").AppendJoin(" | ", Columns).Append(" |\n|");
        for (var i = 0; i < Columns.Count; i++)
        {
            sb.Append(i == 0 || i == Columns.Count - 1 ? " --- |" : " ---: |");
        }

        sb.Append('\n');
        foreach (var op in report.Operations)
        {
            sb.Append("| ").AppendJoin(" | ", Row(op).Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
        }

        AppendRamp(report, sb, markdown: true);
        var footer = Footer(report);
        if (footer.Count > 0)
        {
            sb.Append('\n');
            foreach (var line in footer)
            {
                sb.Append(line).Append("  \n");
            }
        }

        sb.Append('\n');
        return sb.ToString();
    }

    public static string ToJson(RunReport report) => JsonSerializer.Serialize(report, s_json);

    public static string Title(RunReport report) =>
        $"{report.Label ?? report.Scenario}: {report.Scenario}, {report.Model}, {report.Url}";

    /// <summary>Thousands-separated integer, e.g. 1,234,567.</summary>
    public static string Count(double value) => Math.Round(value).ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Milliseconds with three significant digits below 10 ms (0.123, 1.23), then one decimal.</summary>
    public static string Millis(double ms) => ms switch
    {
        < 1 => ms.ToString("0.000", CultureInfo.InvariantCulture),
        < 10 => ms.ToString("0.00", CultureInfo.InvariantCulture),
        _ => ms.ToString("0.0", CultureInfo.InvariantCulture),
    };

    private static void AppendRamp(RunReport report, StringBuilder sb, bool markdown)
    {
        if (report.Ramp is not { Count: > 0 } steps)
        {
            return;
        }

        sb.Append(markdown ? "\n| rate | achieved/s | p99 ms | error rate | within bounds |\n| ---: | ---: | ---: | ---: | --- |\n" : "ramp:\n");
        foreach (var s in steps)
        {
            var cells = new[]
            {
                Count(s.Rate), Count(s.AchievedPerSecond), Millis(s.P99Ms),
                s.ErrorRate.ToString("0.####", CultureInfo.InvariantCulture), s.Passed ? "yes" : "no",
            };
            sb.Append(markdown ? $"| {string.Join(" | ", cells)} |\n" : $"  rate {cells[0],10}  achieved {cells[1],10}  p99 {cells[2],8} ms  errors {cells[3],7}  {cells[4]}\n");
        }
    }
}
