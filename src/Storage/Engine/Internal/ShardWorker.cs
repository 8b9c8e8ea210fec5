namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>A dedicated thread that applies one shard's part of the current batch when signalled.</summary>
internal sealed class ShardWorker : IDisposable
{
    private readonly ManualResetEventSlim _go = new(false, 200);
    private readonly Action<int> _run;
    private readonly Action _done;
    private readonly Thread _thread;
    private volatile bool _stop;

    public ShardWorker(int shard, Action<int> run, Action done)
    {
        Shard = shard;
        _run = run;
        _done = done;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"expothesis-shard-{shard}" };
        _thread.Start();
    }

    public int Shard { get; }

    public Exception? Error { get; set; }

    public void Signal() => _go.Set();

    private void Loop()
    {
        while (true)
        {
            _go.Wait();
            _go.Reset();
            if (_stop)
            {
                return;
            }
            try
            {
                _run(Shard);
            }
            catch (Exception e)
            {
                Error = e;
            }
            _done();
        }
    }

    public void Dispose()
    {
        _stop = true;
        _go.Set();
        _thread.Join();
        _go.Dispose();
    }
}
