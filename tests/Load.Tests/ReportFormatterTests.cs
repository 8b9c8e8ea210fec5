using System.Text.Json;
using Expothesis.Fast.Load.Reporting;

namespace Expothesis.Fast.Load.Tests;

public sealed class ReportFormatterTests
{
    private static RunReport Sample() => new()
    {
        Scenario = "ingest",
        Label = "expothesis 1M",
        Model = "closed 16 connections",
        Url = "http://127.0.0.1:5080/",
        StartedAt = new DateTimeOffset(2026, 12, 1, 19, 0, 0, TimeSpan.Zero),
        Machine = "2 cores, AMD EPYC",
        CommandLine = "load ingest --connections 16",
        Operations =
        [
            new OperationReport
            {
                Name = "ingest", CountsEvents = true, Requests = 2010, Ok = 2000, Failed = 10, EventsAccepted = 1_000_000,
                EventsRejected = 3, Seconds = 2, RequestsPerSecond = 1000, EventsPerSecond = 500_000, P50Ms = 0.8123,
                P90Ms = 1.5, P99Ms = 12.345, P999Ms = 40, MaxMs = 120.5,
                Errors = new Dictionary<string, long> { ["503"] = 10 },
            },
        ],
        Cpu = new CpuReport(1.9, null, 526_315.8, 1052.6),
    };

    [Fact]
    public void Numbers_are_formatted_with_thousands_separators_and_significant_milliseconds()
    {
        Assert.Equal("1,234,568", ReportFormatter.Count(1_234_567.6));
        Assert.Equal("0.812", ReportFormatter.Millis(0.8123));
        Assert.Equal("1.50", ReportFormatter.Millis(1.5));
        Assert.Equal("12.3", ReportFormatter.Millis(12.345));
    }

    [Fact]
    public void The_text_table_has_a_row_per_operation_with_errors_and_cpu()
    {
        var text = ReportFormatter.ToText(Sample());
        var lines = text.Split('\n');
        Assert.StartsWith("expothesis 1M: ingest, closed 16 connections", lines[0], StringComparison.Ordinal);
        Assert.Contains("p99.9 ms", lines[1], StringComparison.Ordinal);
        Assert.Contains("500,000", lines[2], StringComparison.Ordinal);
        Assert.Contains("503: 10, rejected events: 3", lines[2], StringComparison.Ordinal);
        Assert.Contains("server CPU 1.90 s", text, StringComparison.Ordinal);
        Assert.Contains("526,316 events per CPU-second", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_is_a_titled_table_with_the_command_and_machine()
    {
        var md = ReportFormatter.ToMarkdown(Sample());
        Assert.StartsWith("### expothesis 1M: ingest", md, StringComparison.Ordinal);
        Assert.Contains("`load ingest --connections 16`", md, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 19:00 UTC, 2 cores, AMD EPYC", md, StringComparison.Ordinal);
        Assert.Contains("| operation | ok | req/s | events/s |", md, StringComparison.Ordinal);
        Assert.Contains("| --- | ---: |", md, StringComparison.Ordinal);
        Assert.Contains("| ingest | 2,000 | 1,000 | 500,000 | 0.812 | 1.50 | 12.3 | 40.0 | 120.5 | 503: 10, rejected events: 3 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_uses_snake_case_and_round_trips_the_numbers()
    {
        using var doc = JsonDocument.Parse(ReportFormatter.ToJson(Sample()));
        var op = doc.RootElement.GetProperty("operations")[0];
        Assert.Equal(500_000, op.GetProperty("events_per_second").GetDouble());
        Assert.Equal(12.345, op.GetProperty("p99_ms").GetDouble());
        Assert.Equal(10, op.GetProperty("errors").GetProperty("503").GetInt64());
        Assert.Equal(1.9, doc.RootElement.GetProperty("cpu").GetProperty("server_seconds").GetDouble());
        Assert.False(doc.RootElement.GetProperty("cpu").TryGetProperty("other_seconds", out _));
    }

    [Fact]
    public void A_ramp_report_lists_its_steps_and_the_max_sustainable_rate()
    {
        var report = Sample() with
        {
            Ramp = [new RampStep(100, 100, 1.2, 0, true), new RampStep(125, 90, 80, 0.02, false)],
            MaxSustainableRate = 100,
        };
        var text = ReportFormatter.ToText(report);
        Assert.Contains("max sustainable rate: 100 requests/s", text, StringComparison.Ordinal);
        Assert.Contains("no", ReportFormatter.ToMarkdown(report).Split('\n').Single(l => l.StartsWith("| 125 |", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
