using System.Text;
using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Engine;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.Engine;

/// <summary>
/// Route + apply per event in process: prebuilt batches of 500 metric events of exposed units (one experiment,
/// binary/count/sum metrics, 200k units), durability none (the log discards). Reports ns and bytes per event.
/// With <see cref="EventIds"/> every event carries a distinct event id hash (a marker per event in the seen-id store).
/// </summary>
[MemoryDiagnoser]
public class IngestEngineBenchmarks
{
    private const int BatchSize = 500;
    private const int Batches = 40;
    private const int Units = 200_000;

    private IngestEngine _engine = null!;
    private EventBatch[] _batches = [];
    private RejectionCode[] _outcomes = new RejectionCode[BatchSize];

    [Params(1, 2)]
    public int Shards { get; set; }

    /// <summary>Whether every event carries an event id (one more store operation for dedup).</summary>
    [Params(false, true)]
    public bool EventIds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var schema = new BenchSchema();
        _engine = IngestEngine.OpenAsync(new DiscardingEventLog(), () => schema, new IngestEngineOptions
        {
            Shards = Shards,
            CheckpointInterval = TimeSpan.Zero,
            StoreMemorySizeBits = 28,
            StoreIndexBits = 20,
            // The seen-id index sized for the ~30M distinct ids a run inserts (FASTER's index does not grow by
            // itself; at the default 2^20 buckets a run this long walks overflow chains on every insert).
            SeenIndexBits = EventIds ? 22 : 20,
        }).GetAwaiter().GetResult();
        var rng = new Random(42);
        long t = 1_790_000_000_000;
        // Expose every unit once.
        for (int start = 0; start < Units; start += BatchSize)
        {
            using var b = new EventBatch(BatchSize, BatchSize * 16);
            for (int u = start; u < Math.Min(Units, start + BatchSize); u++)
            {
                Add(b, u, EventRecord.ExposureMetric, (short)(u % 2), 1, t);
            }
            _engine.IngestAsync(b, _outcomes).AsTask().GetAwaiter().GetResult();
        }
        _batches = new EventBatch[Batches];
        for (int i = 0; i < Batches; i++)
        {
            var b = new EventBatch(BatchSize, BatchSize * 16);
            for (int k = 0; k < BatchSize; k++)
            {
                Add(b, rng.Next(Units), (short)rng.Next(3), EventRecord.NoVariant, rng.Next(1, 100), t + rng.Next(3_600_000 * 24));
                if (EventIds)
                {
                    ref var r = ref b.Records[^1];
                    r.EventIdHash = (ulong)rng.NextInt64() | 1;
                }
            }
            _batches[i] = b;
        }
    }

    private static void Add(EventBatch b, int unit, short metric, short variant, double value, long t)
    {
        Span<byte> id = stackalloc byte[16];
        int n = Encoding.UTF8.GetBytes($"user-{unit}", id);
        int offset = b.AppendBytes(id[..n]);
        ref var r = ref b.Add();
        r.Experiment = 0;
        r.UnitHash = UnitHash.Compute(id[..n]);
        r.Metric = metric;
        r.Variant = variant;
        r.Value = value;
        r.TimestampMs = t;
        r.UnitIdOffset = offset;
        r.UnitIdLength = n;
    }

    [Benchmark(OperationsPerInvoke = BatchSize * Batches)]
    public long RouteAndApply()
    {
        long accepted = 0;
        foreach (var b in _batches)
        {
            if (EventIds)
            {
                // Fresh ids each round, so they are new events rather than retries (about 1 ns per event).
                foreach (ref var r in b.Records)
                {
                    r.EventIdHash += 0x9E3779B97F4A7C16UL;
                }
            }
            var vt = _engine.IngestAsync(b, _outcomes);
            accepted += vt.IsCompletedSuccessfully ? vt.Result.Accepted : vt.AsTask().GetAwaiter().GetResult().Accepted;
        }
        return accepted;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var b in _batches)
        {
            b.Dispose();
        }
    }

    private sealed class DiscardingEventLog : IEventLog
    {
        public long DurablePosition { get; private set; }

        public ValueTask<long> AppendAsync(EventBatch batch, CancellationToken cancellationToken = default)
        {
            DurablePosition += batch.Count;
            return new(DurablePosition);
        }

        public void Replay(long fromPosition, Action<EventBatch, long> onBlock)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class BenchSchema : IIngestSchema
    {
        private static readonly MetricKind[] s_kinds = [MetricKind.Binary, MetricKind.Count, MetricKind.Sum];

        public bool TryGetExperiment(ReadOnlySpan<byte> idOrKeyUtf8, out int experiment)
        {
            experiment = 0;
            return true;
        }

        public ExperimentStatus GetStatus(int experiment) => ExperimentStatus.Running;

        public int GetMetric(int experiment, ReadOnlySpan<byte> nameUtf8) => 0;

        public int GetVariant(int experiment, ReadOnlySpan<byte> keyUtf8) => 0;

        public int GetMetricCount(int experiment) => 3;

        public int GetVariantCount(int experiment) => 2;

        public MetricKind GetMetricKind(int experiment, int metric) => s_kinds[metric];
    }
}
