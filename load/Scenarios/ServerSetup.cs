using System.Text;
using Expothesis.Fast.Load.Http;
using Expothesis.Fast.Load.Workload;

namespace Expothesis.Fast.Load.Scenarios;

/// <summary>Creates and starts experiments through the API; an existing or already running one is fine.</summary>
internal static class ServerSetup
{
    public static async Task EnsureRunningAsync(LoadHttpClient client, IEnumerable<ExperimentSpec> experiments, TextWriter log,
        CancellationToken ct, Func<ExperimentSpec, byte[]>? body = null)
    {
        foreach (var spec in experiments)
        {
            var (status, response) = await client.ExchangeAsync(HttpMethod.Get, $"api/v1/experiments/{spec.Key}", null, ct).ConfigureAwait(false);
            if (status != 200)
            {
                (status, response) = await client.ExchangeAsync(HttpMethod.Post, "api/v1/experiments", (body ?? (s => s.ToCreateJson()))(spec), ct).ConfigureAwait(false);
                if (status is not (201 or 200 or 409))
                {
                    throw new InvalidOperationException($"creating experiment {spec.Key} failed: {status} {Encoding.UTF8.GetString(response)}");
                }
            }

            (status, response) = await client.ExchangeAsync(HttpMethod.Post, $"api/v1/experiments/{spec.Key}/start", null, ct).ConfigureAwait(false);
            if (status is not (200 or 409))
            {
                throw new InvalidOperationException($"starting experiment {spec.Key} failed: {status} {Encoding.UTF8.GetString(response)}");
            }

            await log.WriteLineAsync($"experiment {spec.Key}: ready").ConfigureAwait(false);
        }
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (or <c>/health/live</c> when ready is missing).</summary>
    public static async Task WaitReadyAsync(LoadHttpClient client, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var (status, _) = await client.ExchangeAsync(HttpMethod.Get, "health/ready", null, ct).ConfigureAwait(false);
                if (status == 200)
                {
                    return;
                }

                if (status == 404)
                {
                    (status, _) = await client.ExchangeAsync(HttpMethod.Get, "health/live", null, ct).ConfigureAwait(false);
                    if (status == 200)
                    {
                        return;
                    }
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // not listening yet
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"server not ready after {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }
}
