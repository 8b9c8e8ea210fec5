using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Load.Cli;
using Expothesis.Fast.Load.Http;
using Expothesis.Fast.Load.Measurement;
using Expothesis.Fast.Load.Reporting;
using Expothesis.Fast.Load.Workload;
using Spectre.Console;

namespace Expothesis.Fast.Load.Scenarios;

/// <summary>
/// Traffic simulator: new users arrive at a constant rate, are assigned through <c>/assign</c> (with exposure),
/// convert with the baseline probability (times 1 + lift in the treatment) and then spend revenue; conversions
/// are posted as event batches. Prints the live analysis once a second until the decision is reached.
/// </summary>
internal sealed class Simulator(LoadOptions options, LoadHttpClient client, TextWriter log)
{
    private readonly ConcurrentQueue<(string User, string Variant, bool Treatment)> _conversions = new();
    private readonly string _runId = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString("x", CultureInfo.InvariantCulture);

    public string Key => options.Experiment ?? "sim-checkout";

    public static ExperimentSpec Spec(string key) => new(key, ["control", "treatment"],
    [
        new MetricSpec("purchase", "binary", "primary", "increase"),
        new MetricSpec("revenue", "sum", "secondary", "increase"),
    ]);

    public async Task<RunReport> RunAsync(CancellationToken ct)
    {
        if (!options.NoSetup)
        {
            var mde = Math.Max(Math.Abs(options.Lift), 0.05);
            await ServerSetup.EnsureRunningAsync(client, [Spec(Key)], log, ct, s => s.ToCreateJson(mde, mdeRelative: true, sequential: true)).ConfigureAwait(false);
        }

        var maxDuration = options.DurationGiven ? options.Duration : TimeSpan.FromMinutes(10);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(maxDuration);
        var rate = options.Rate ?? 5000;
        var assignStats = new OperationStats("assign");
        var ingestStats = new OperationStats("ingest", countsEvents: true);
        var assignUri = client.Resolve("api/v1/assign");
        var batchUri = client.Resolve("api/v1/events/batch");
        var window = RunWindow.StartingNow(TimeSpan.Zero, null, TimeSpan.FromSeconds(5));
        ingestStats.MeasureFromTimestamp(window.Start);
        var arrivals = OpenModelRunner.RunAsync(rate, options.MaxInFlight, window,
            (seq, token) => ArriveAsync(seq, assignUri, assignStats, token), assignStats, new RequestBudget(null), stop.Token);
        var flusher = FlushLoopAsync(batchUri, ingestStats, arrivals);
        string? decision = null;
        var started = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1000, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            int status;
            byte[] body;
            try
            {
                (status, body) = await client.ExchangeAsync(HttpMethod.Get, $"api/v1/experiments/{Uri.EscapeDataString(Key)}/analysis", null, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                await log.WriteLineAsync($"[{elapsed.TotalSeconds:0} s] analysis: {ex.Message}").ConfigureAwait(false);
                continue;
            }

            if (status != 200)
            {
                await log.WriteLineAsync($"[{elapsed.TotalSeconds:0} s] analysis: {status} {Encoding.UTF8.GetString(body)}").ConfigureAwait(false);
                continue;
            }

            AnalysisView view;
            try
            {
                view = AnalysisView.Parse(body);
            }
            catch (JsonException ex)
            {
                await log.WriteLineAsync($"[{elapsed.TotalSeconds:0} s] analysis: not JSON ({ex.Message})").ConfigureAwait(false);
                continue;
            }

            Render(view, elapsed, assignStats, ingestStats);
            decision = view.Decision;
            if (options.UntilDecision && decision is not null and not "keep_running")
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        await arrivals.ConfigureAwait(false);
        await flusher.ConfigureAwait(false);
        await log.WriteLineAsync($"decision: {decision ?? "(none)"}").ConfigureAwait(false);
        return new RunReport
        {
            Scenario = "simulate",
            Label = options.Label,
            Model = $"open {ReportFormatter.Count(rate)} users/s, lift {options.Lift.ToString(CultureInfo.InvariantCulture)}",
            Url = options.Url.ToString(),
            CommandLine = "load " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            Parameters = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["experiment"] = Key,
                ["decision"] = decision ?? "",
                ["baseline"] = options.BaselineRate.ToString(CultureInfo.InvariantCulture),
            },
            Operations = [OperationReport.From(assignStats), OperationReport.From(ingestStats)],
        };
    }

    private async ValueTask<RequestOutcome> ArriveAsync(long seq, Uri uri, OperationStats stats, CancellationToken ct)
    {
        var user = $"sim-{_runId}-{seq}";
        var body = Encoding.UTF8.GetBytes($"{{\"user_id\":\"{user}\",\"experiments\":[\"{Key}\"],\"expose\":true}}");
        var (status, response) = await client.ExchangeAsync(HttpMethod.Post, uri.ToString(), body, ct).ConfigureAwait(false);
        if (status != 200)
        {
            stats.NoteError($"{status}: {Encoding.UTF8.GetString(response)}");
            return new RequestOutcome(status, 0, 0, null);
        }

        if (ParseVariant(response) is { } variant)
        {
            var treatment = variant != "control";
            var p = options.BaselineRate * (treatment ? 1 + options.Lift : 1);
            if (Random.Shared.NextDouble() < p)
            {
                _conversions.Enqueue((user, variant, treatment));
            }
        }

        return new RequestOutcome(status, 1, 0, null);
    }

    private async Task FlushLoopAsync(Uri uri, OperationStats stats, Task arrivals)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (true)
        {
            var finished = arrivals.IsCompleted;
            if (!finished)
            {
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }

            while (!_conversions.IsEmpty)
            {
                buffer.ResetWrittenCount();
                var count = 0;
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    w.WriteStartArray("events");
                    while (count < 2000 && _conversions.TryDequeue(out var c))
                    {
                        nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                        WriteEvent(w, c.User, c.Variant, "purchase", 1, nowMs);
                        var revenue = -options.RevenueMean * Math.Log(1 - Random.Shared.NextDouble());
                        WriteEvent(w, c.User, c.Variant, "revenue", Math.Round(revenue, 2), nowMs);
                        count += 2;
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                var started = Stopwatch.GetTimestamp();
                stats.Started();
                RequestOutcome outcome;
                try
                {
                    outcome = await client.PostBatchAsync(uri, buffer.WrittenSpan.ToArray(), stats, CancellationToken.None).ConfigureAwait(false);
                }
                catch (HttpRequestException)
                {
                    outcome = RequestOutcome.Failed("connection");
                }

                stats.Completed(started, Stopwatch.GetTimestamp(), outcome);
            }

            if (finished)
            {
                return;
            }
        }
    }

    private void WriteEvent(Utf8JsonWriter w, string user, string variant, string metric, double value, long ms)
    {
        w.WriteStartObject();
        w.WriteString("experiment", Key);
        w.WriteString("user_id", user);
        w.WriteString("type", "metric");
        w.WriteString("metric", metric);
        w.WriteNumber("value", value);
        w.WriteString("variant", variant);
        w.WriteNumber("timestamp", ms);
        w.WriteEndObject();
    }

    /// <summary>The first assignment's variant when the user is in the experiment.</summary>
    internal static string? ParseVariant(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? variant = null;
        var inExperiment = true;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.ValueTextEquals("variant"u8) && reader.Read())
                {
                    variant ??= reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("in_experiment"u8) && reader.Read())
                {
                    inExperiment = reader.TokenType != JsonTokenType.False;
                    if (variant is not null || !inExperiment)
                    {
                        break;
                    }
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return inExperiment ? variant : null;
    }

    private void Render(AnalysisView view, TimeSpan elapsed, OperationStats assign, OperationStats ingest)
    {
        var title = string.Create(CultureInfo.InvariantCulture,
            $"[{elapsed.TotalSeconds:0} s] {Key}: {assign.CompletedTotal:#,0} users assigned, {ingest.Accepted:#,0} events, srm p={view.SrmP}, decision: {view.Decision} {view.DecisionVariant}");
        if (options.Plain || Console.IsOutputRedirected)
        {
            var sb = new StringBuilder(title).Append('\n');
            foreach (var r in view.Rows)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  {r.Metric,-10} {r.Variant,-10} units {r.Units,9} mean {r.Mean,10} lift {r.Lift,8} {r.LiftCi,-20} p {r.P,8}\n");
            }

            Console.Write(sb.ToString());
            return;
        }

        var table = new Table().Title(Markup.Escape(title)).Border(TableBorder.Rounded);
        foreach (var c in new[] { "metric", "variant", "units", "mean", "lift", "lift 95% CI", "p-value" })
        {
            table.AddColumn(c);
        }

        foreach (var r in view.Rows)
        {
            table.AddRow(Markup.Escape(r.Metric), Markup.Escape(r.Variant), r.Units, r.Mean, r.Lift, r.LiftCi, r.P);
        }

        AnsiConsole.Write(table);
    }
}

/// <summary>The parts of an analysis document the simulator prints.</summary>
internal sealed record AnalysisView(IReadOnlyList<AnalysisRow> Rows, string? Decision, string? DecisionVariant, string SrmP)
{
    public static AnalysisView Parse(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var rows = new List<AnalysisRow>();
        if (root.TryGetProperty("metrics", out var metrics) && metrics.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in metrics.EnumerateArray())
            {
                var name = Str(m, "name");
                var comparisons = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                if (m.TryGetProperty("comparisons", out var cs) && cs.ValueKind == JsonValueKind.Array)
                {
                    foreach (var c in cs.EnumerateArray())
                    {
                        comparisons[Str(c, "variant")] = c;
                    }
                }

                if (!m.TryGetProperty("variants", out var vs) || vs.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var v in vs.EnumerateArray())
                {
                    var variant = Str(v, "variant");
                    var row = new AnalysisRow(name, variant, Num(v, "units", "#,0"), Num(v, "mean", "0.0000"), "", "", "");
                    if (comparisons.TryGetValue(variant, out var c))
                    {
                        row = row with
                        {
                            Lift = Percent(c, "relative_lift"),
                            LiftCi = c.TryGetProperty("relative_lift_ci", out var ci) && ci.ValueKind == JsonValueKind.Array && ci.GetArrayLength() == 2
                                ? $"[{Percent(ci[0])}, {Percent(ci[1])}]"
                                : "",
                            P = Num(c, "p_value", "0.0000"),
                        };
                    }

                    rows.Add(row);
                }
            }
        }

        string? decision = null, decisionVariant = null;
        if (root.TryGetProperty("recommendation", out var rec) && rec.ValueKind == JsonValueKind.Object)
        {
            decision = Str(rec, "decision");
            decisionVariant = rec.TryGetProperty("variant", out var dv) && dv.ValueKind == JsonValueKind.String ? dv.GetString() : null;
        }

        var srm = root.TryGetProperty("srm", out var s) && s.ValueKind == JsonValueKind.Object ? Num(s, "p_value", "0.000") : "";
        return new AnalysisView(rows, decision, decisionVariant, srm);
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() ?? "" : "";

    private static string Num(JsonElement e, string name, string format) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble().ToString(format, CultureInfo.InvariantCulture) : "";

    private static string Percent(JsonElement e, string name) => e.TryGetProperty(name, out var p) ? Percent(p) : "";

    private static string Percent(JsonElement p) =>
        p.ValueKind == JsonValueKind.Number ? (p.GetDouble() * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%" : "";
}

/// <summary>One printed line: a variant of a metric and its comparison with the control.</summary>
internal sealed record AnalysisRow(string Metric, string Variant, string Units, string Mean, string Lift, string LiftCi, string P);
