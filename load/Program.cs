using Expothesis.Fast.Load.Cli;
using Expothesis.Fast.Load.Http;
using Expothesis.Fast.Load.Reporting;
using Expothesis.Fast.Load.Scenarios;

var options = ArgumentParser.Parse(args, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync($"load: {error}\n\n{ArgumentParser.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var maxConnections = Math.Max(options.Connections ?? 64, options.Rate is null ? 64 : options.MaxInFlight);
using var client = new LoadHttpClient(options.Url, options.ApiKey, maxConnections, options.Raw);
try
{
    await ServerSetup.WaitReadyAsync(client, TimeSpan.FromSeconds(30), cancel.Token);
    var report = options.Scenario == "simulate"
        ? await new Simulator(options, client, Console.Out).RunAsync(cancel.Token)
        : await new TrafficScenarios(options, client, Console.Out).RunAsync(cancel.Token);

    Console.WriteLine();
    Console.Write(ReportFormatter.ToText(report));
    foreach (var op in report.Operations.Where(o => o.FirstError is not null))
    {
        Console.WriteLine($"first error ({op.Name}): {op.FirstError}");
    }

    if (options.JsonPath is not null)
    {
        await File.WriteAllTextAsync(options.JsonPath, ReportFormatter.ToJson(report));
    }

    if (options.MarkdownPath is not null)
    {
        await File.AppendAllTextAsync(options.MarkdownPath, ReportFormatter.ToMarkdown(report));
    }

    return report.Operations.Any(o => o.Ok == 0) ? 1 : 0;
}
catch (OperationCanceledException)
{
    await Console.Error.WriteLineAsync("load: cancelled");
    return 130;
}
catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TimeoutException)
{
    await Console.Error.WriteLineAsync($"load: {ex.Message}");
    return 1;
}
