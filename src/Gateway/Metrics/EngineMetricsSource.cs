using Expothesis.Fast.Query;

namespace Expothesis.Fast.Gateway.Metrics;

/// <summary>The ingestion engine's counters and the archive's size at every scrape.</summary>
public sealed class EngineMetricsSource(IServiceProvider services) : IMetricsSource
{
    /// <inheritdoc/>
    public void Collect(MetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (services.GetService(typeof(ExpothesisEngine)) is not ExpothesisEngine engine)
        {
            return;
        }
        var c = engine.Ingest.Counters;
        writer.Counter("expothesis_ingest_events_accepted_total", "Events accepted by the ingestion engine.", c.Accepted);
        writer.Counter("expothesis_ingest_events_rejected_total", "Events rejected by the ingestion engine.", c.Rejected);
        writer.Counter("expothesis_ingest_events_duplicate_total", "Events dropped as duplicates (event_id seen).", c.Duplicates);
        writer.Counter("expothesis_ingest_batches_total", "Batches applied.", c.Batches);
        writer.Counter("expothesis_ingest_queue_full_total", "Batches refused because the ingestion queue was full.", c.QueueFull);
        writer.Counter("expothesis_ingest_checkpoints_total", "Checkpoints written.", c.Checkpoints);
        writer.Counter("expothesis_ingest_replayed_total", "Log records replayed during recovery.", c.Replayed);
        writer.Gauge("expothesis_ingest_ready", "1 once recovery finished.", engine.Ready.IsCompletedSuccessfully ? 1 : 0);
        writer.Gauge("expothesis_archive_events", "Events held by the column log.", engine.Archive.EventCount);
        writer.Gauge("expothesis_archive_size_bytes", "Size of the column log on disk.", engine.Archive.SizeOnDiskBytes);
    }
}
