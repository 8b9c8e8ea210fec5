namespace Expothesis.Fast.Gateway.Health;

/// <summary>
/// Whether the server is ready to serve: <c>/health/ready</c> answers 503 while any hold is active
/// (recovery takes one with <see cref="Hold"/> and disposes it when done).
/// </summary>
public sealed class GatewayReadiness
{
    private readonly Lock _lock = new();
    private readonly List<Holder> _holds = [];

    /// <summary>True when no hold is active.</summary>
    public bool IsReady
    {
        get
        {
            lock (_lock)
            {
                return _holds.Count == 0;
            }
        }
    }

    /// <summary>The reasons of the active holds.</summary>
    public IReadOnlyList<string> Reasons
    {
        get
        {
            lock (_lock)
            {
                return [.. _holds.Select(static h => h.Reason)];
            }
        }
    }

    /// <summary>Marks the server not ready until the returned handle is disposed.</summary>
    public IDisposable Hold(string reason)
    {
        var holder = new Holder(this, reason);
        lock (_lock)
        {
            _holds.Add(holder);
        }
        return holder;
    }

    private void Release(Holder holder)
    {
        lock (_lock)
        {
            _holds.Remove(holder);
        }
    }

    private sealed class Holder(GatewayReadiness owner, string reason) : IDisposable
    {
        private int _disposed;

        public string Reason { get; } = reason;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(this);
            }
        }
    }
}
