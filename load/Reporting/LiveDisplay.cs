using System.Diagnostics;
using System.Globalization;
using Expothesis.Fast.Load.Measurement;
using Spectre.Console;

namespace Expothesis.Fast.Load.Reporting;

/// <summary>Once a second: completions per second, in flight, p99 so far and errors of every operation.</summary>
internal static class LiveDisplay
{
    /// <summary>Shows progress until <paramref name="until"/> completes.</summary>
    public static async Task ShowAsync(IReadOnlyList<OperationStats> operations, Task until, bool plain)
    {
        var started = Stopwatch.GetTimestamp();
        var previous = new long[operations.Count];
        if (plain || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            while (!until.IsCompleted)
            {
                await Task.WhenAny(until, Task.Delay(1000)).ConfigureAwait(false);
                Console.WriteLine(Line(operations, previous, started));
            }

            return;
        }

        var table = NewTable();
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async ctx =>
        {
            while (!until.IsCompleted)
            {
                await Task.WhenAny(until, Task.Delay(1000)).ConfigureAwait(false);
                table.Rows.Clear();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                for (var i = 0; i < operations.Count; i++)
                {
                    var op = operations[i];
                    var done = op.CompletedTotal;
                    var perSecond = done - previous[i];
                    previous[i] = done;
                    table.AddRow(
                        op.Name,
                        elapsed.ToString("0", CultureInfo.InvariantCulture) + " s",
                        ReportFormatter.Count(done),
                        ReportFormatter.Count(perSecond),
                        ReportFormatter.Count(op.InFlight),
                        ReportFormatter.Millis(op.Latency.ValueAtPercentile(99) / 1e6),
                        ReportFormatter.Count(op.Failed));
                }

                ctx.Refresh();
            }
        }).ConfigureAwait(false);
    }

    private static Table NewTable()
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in new[] { "operation", "elapsed", "completed", "per s", "in flight", "p99 ms (measured)", "errors" })
        {
            table.AddColumn(new TableColumn(c).RightAligned());
        }

        return table;
    }

    private static string Line(IReadOnlyList<OperationStats> operations, long[] previous, long started)
    {
        var parts = new List<string> { $"[{Stopwatch.GetElapsedTime(started).TotalSeconds,5:0} s]" };
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            var done = op.CompletedTotal;
            var perSecond = done - previous[i];
            previous[i] = done;
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{op.Name}: {perSecond}/s, in flight {op.InFlight}, p99 {ReportFormatter.Millis(op.Latency.ValueAtPercentile(99) / 1e6)} ms, errors {op.Failed}"));
        }

        return string.Join("  ", parts);
    }
}
