using Expothesis.Fast.Query;

namespace Expothesis.Fast.Gateway.Health;

/// <summary>
/// Holds <see cref="GatewayReadiness"/> while the engine recovers (newest checkpoint plus log tail), so
/// <c>/health/ready</c> answers 503 until the engine takes batches. A failed recovery stops the host.
/// </summary>
internal sealed partial class EngineRecoveryService(
    ExpothesisEngine engine, GatewayReadiness readiness, IHostApplicationLifetime lifetime, ILogger<EngineRecoveryService> logger) : IHostedService
{
    private IDisposable? _hold;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (engine.Ready.IsCompletedSuccessfully)
        {
            return Task.CompletedTask;
        }
        _hold = readiness.Hold("recovering the ingestion engine");
        _ = WaitAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WaitAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await engine.Ready.ConfigureAwait(false);
            Log.Recovered(logger, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            _hold?.Dispose();
        }
        catch (Exception e)
        {
            Log.RecoveryFailed(logger, e);
            lifetime.StopApplication();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Engine recovered in {Milliseconds} ms.")]
        public static partial void Recovered(ILogger logger, double milliseconds);

        [LoggerMessage(EventId = 21, Level = LogLevel.Critical, Message = "Engine recovery failed; stopping.")]
        public static partial void RecoveryFailed(ILogger logger, Exception exception);
    }
}
