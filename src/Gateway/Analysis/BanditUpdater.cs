using System.Collections.Concurrent;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Query;
using Expothesis.Fast.Query.Analysis;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Analysis;

/// <summary>
/// Background bandit updater (STATS.md "Bandits"): every running bandit experiment's weights are recomputed
/// every <c>update_interval_s</c> from the current moment sums (Thompson with a seeded generator, UCB1 or
/// ε-greedy; uniform until every arm has <c>min_units_per_arm</c>; floor 1%/K) and written with
/// <see cref="AllocationWeights.SetCurrent"/>, which assignment reads for new units (stored assignments never
/// move). Keeps each experiment's weight history and last diagnostics for the analysis document.
/// </summary>
public sealed partial class BanditUpdater(ExpothesisEngine engine, ILogger<BanditUpdater> logger) : BackgroundService
{
    /// <summary>History entries kept per experiment (oldest dropped first).</summary>
    public const int MaxHistory = 500;

    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<string, Tracker> _trackers = new(StringComparer.Ordinal);

    /// <summary>The bandit state of an experiment for its analysis; null when it is not a bandit.</summary>
    public BanditState? GetState(CompiledExperiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (experiment.Definition.Bandit is not { } settings)
        {
            return null;
        }

        if (!_trackers.TryGetValue(experiment.Id, out var tracker))
        {
            return new BanditState(settings.Algorithm, settings.Metric, experiment.Weights.Current.ToArray(), []);
        }

        lock (tracker)
        {
            return new BanditState(settings.Algorithm, settings.Metric, experiment.Weights.Current.ToArray(), [.. tracker.History], tracker.ProbabilityBest, tracker.Regret);
        }
    }

    /// <summary>How many times the experiment's weights were recomputed (a change stamp for live views).</summary>
    public long UpdateCount(string experimentId) => _trackers.TryGetValue(experimentId, out var t) ? Volatile.Read(ref t.Updates) : 0;

    /// <summary>Recomputes every running bandit whose interval has passed at <paramref name="now"/>; returns how many were updated.</summary>
    public int UpdateDue(DateTimeOffset now)
    {
        int updated = 0;
        foreach (var experiment in engine.Catalog.Current.Experiments)
        {
            if (experiment.Definition.Bandit is not { } settings || experiment.Status != ExperimentStatus.Running)
            {
                continue;
            }

            var tracker = _trackers.GetOrAdd(experiment.Id, static _ => new Tracker());
            bool due;
            lock (tracker)
            {
                if (tracker.Weights is { } known && !ReferenceEquals(known, experiment.Weights) && tracker.Current is { } current && current.Length == experiment.Weights.Count)
                {
                    // The catalog compiled a new weights object: keep the bandit's split.
                    experiment.Weights.SetCurrent(current);
                }

                tracker.Weights = experiment.Weights;
                double interval = settings.UpdateIntervalS is > 0 and < double.PositiveInfinity ? settings.UpdateIntervalS : 10;
                due = tracker.LastUpdate is not { } last || (now - last).TotalSeconds >= interval;
            }

            if (due)
            {
                Update(experiment, now);
                updated++;
            }
        }

        return updated;
    }

    /// <summary>Recomputes one bandit experiment's weights now.</summary>
    public void Update(CompiledExperiment experiment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (experiment.Definition.Bandit is not { } settings)
        {
            return;
        }

        var def = experiment.Definition;
        int k = def.Variants.Count;
        int metric = settings.MetricIndex >= 0 && settings.MetricIndex < def.Metrics.Count ? settings.MetricIndex : experiment.GetMetric(settings.Metric);
        if (metric < 0)
        {
            return;
        }

        var snapshot = engine.Ingest.GetMoments(experiment.Ordinal);
        var arms = new VariantMoments[k];
        for (int v = 0; v < k && v < snapshot.Variants; v++)
        {
            arms[v] = metric < snapshot.Metrics ? snapshot[v, metric] : default;
        }

        var md = def.Metrics[metric];
        bool binary = md.Kind == MetricKind.Binary;
        bool higher = md.Direction == MetricDirection.Increase;
        var tracker = _trackers.GetOrAdd(experiment.Id, static _ => new Tracker());
        var weights = new double[k];
        var probBest = new double[k];
        long updates = Volatile.Read(ref tracker.Updates);
        var policy = new BanditPolicy(settings.Algorithm, binary, higher, settings.Epsilon, settings.MinUnitsPerArm);
        BanditAllocator.Compute(arms, policy, Seed(experiment.Id, updates), weights, probBest);
        double regret = BanditAllocator.CumulativeRegret(arms, binary, higher);
        experiment.Weights.SetCurrent(weights);
        lock (tracker)
        {
            if (tracker.History.Count == 0)
            {
                tracker.History.Add(new BanditWeightsAt(experiment.StartedAt ?? now, def.Variants.Select(static v => v.Weight).ToArray()));
            }

            tracker.History.Add(new BanditWeightsAt(now, weights));
            if (tracker.History.Count > MaxHistory)
            {
                tracker.History.RemoveRange(0, tracker.History.Count - MaxHistory);
            }

            tracker.Current = weights;
            tracker.ProbabilityBest = probBest;
            tracker.Regret = regret;
            tracker.LastUpdate = now;
            tracker.Weights = experiment.Weights;
            Interlocked.Increment(ref tracker.Updates);
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Updated(logger, experiment.Key, string.Join(", ", weights.Select(static w => w.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await engine.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(s_tick);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    UpdateDue(DateTimeOffset.UtcNow);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.Failed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>FNV-1a of the experiment id mixed with the update number: reproducible across processes.</summary>
    private static ulong Seed(string id, long update)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (char c in id)
        {
            h ^= c;
            h *= 0x100000001b3UL;
        }

        return h ^ ((ulong)update * 0x9E3779B97F4A7C15UL);
    }

    private sealed class Tracker
    {
        public readonly List<BanditWeightsAt> History = [];
        public long Updates;
        public DateTimeOffset? LastUpdate;
        public double[]? Current;
        public double[]? ProbabilityBest;
        public double? Regret;
        public AllocationWeights? Weights;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "Bandit weights of {Experiment}: {Weights}")]
        public static partial void Updated(ILogger logger, string experiment, string weights);

        [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "Bandit update failed")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
