using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Columnar.Internal;

/// <summary>One queued append: the batch and a pooled, reusable completion (no allocation per append).</summary>
internal sealed class AppendRequest : IValueTaskSource<long>
{
    private const int MaxPooled = 1024;
    private readonly ConcurrentQueue<AppendRequest> _pool;
    private ManualResetValueTaskSourceCore<long> _core;

    private AppendRequest(ConcurrentQueue<AppendRequest> pool)
    {
        _pool = pool;
        _core.RunContinuationsAsynchronously = true;
    }

    public EventBatch? Batch { get; private set; }

    public ValueTask<long> Task => new(this, _core.Version);

    public static AppendRequest Rent(ConcurrentQueue<AppendRequest> pool, EventBatch batch)
    {
        if (!pool.TryDequeue(out var request))
        {
            request = new AppendRequest(pool);
        }
        request.Batch = batch;
        return request;
    }

    public void Complete(long position)
    {
        Batch = null;
        _core.SetResult(position);
    }

    public void Fail(Exception error)
    {
        Batch = null;
        _core.SetException(error);
    }

    public long GetResult(short token)
    {
        bool current = token == _core.Version;
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            if (current)
            {
                _core.Reset();
                if (_pool.Count < MaxPooled)
                {
                    _pool.Enqueue(this);
                }
            }
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
