using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Expothesis.Fast.Gateway.Tests.Experiments;

/// <summary>Kills a real gateway process (SIGKILL) while it edits the catalog and checks what a restart finds.</summary>
public sealed partial class CatalogCrashTests : IDisposable
{
    private readonly string _dir = TestGateway.NewDirectory();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Every_acknowledged_change_survives_a_kill_during_edits()
    {
        long acknowledged;
        string id;
        using (var server = await GatewayProcess.StartAsync(_dir))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            id = (await client.CreateAsync()).GetProperty("id").GetString()!;
            acknowledged = 1;
            using var stop = new CancellationTokenSource();
            var edits = Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    HttpResponseMessage response;
                    try
                    {
                        response = await client.PutJsonAsync($"/api/v1/experiments/{id}",
                            Http.ValidExperiment.Replace("Checkout button colour", "Edit " + i, StringComparison.Ordinal));
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        long version = (await response.ReadJsonAsync()).GetProperty("version").GetInt64();
                        Interlocked.Exchange(ref acknowledged, version);
                    }
                }
            });
            while (Interlocked.Read(ref acknowledged) < 10)
            {
                await Task.Delay(10);
            }
            server.Kill();
            await stop.CancelAsync();
            await edits;
        }

        using (var server = await GatewayProcess.StartAsync(_dir))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            var e = await (await client.GetAsync($"/api/v1/experiments/{id}")).ReadJsonAsync();
            long version = e.GetProperty("version").GetInt64();
            Assert.True(version >= acknowledged, $"stored version {version} < acknowledged {acknowledged}");
            Assert.Equal("draft", e.GetProperty("status").GetString());
            var history = await (await client.GetAsync($"/api/v1/experiments/{id}/history")).ReadJsonAsync();
            Assert.Equal(version, history.GetProperty("entries").GetArrayLength());
            server.Kill();
        }
    }

    private sealed partial class GatewayProcess : IDisposable
    {
        private readonly Process _process;

        private GatewayProcess(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public static async Task<GatewayProcess> StartAsync(string dataDirectory)
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "Expothesis.Fast.Gateway.dll");
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dataDirectory,
            };
            info.ArgumentList.Add(dll);
            info.ArgumentList.Add("--urls=http://127.0.0.1:0");
            info.ArgumentList.Add("--Expothesis:DataDirectory=" + dataDirectory);
            info.ArgumentList.Add("--Logging:LogLevel:Default=Information");
            var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && ListeningPattern().Match(line) is { Success: true } m)
                {
                    listening.TrySetResult(new Uri(m.Groups[1].Value));
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var first = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
            if (first != listening.Task)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw new InvalidOperationException("The gateway process did not start listening.");
            }
            var server = new GatewayProcess(process, await listening.Task);
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            for (int i = 0; i < 200 && !(await client.GetAsync("/health/ready")).IsSuccessStatusCode; i++)
            {
                await Task.Delay(50);
            }
            return server;
        }

        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        [GeneratedRegex(@"Now listening on: (http://\S+)")]
        private static partial Regex ListeningPattern();
    }
}
