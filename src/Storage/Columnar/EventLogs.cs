using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Columnar;

/// <summary>Chooses the event log for a data directory and durability.</summary>
public static class EventLogs
{
    /// <summary>
    /// A <see cref="ColumnLog"/> in <paramref name="directory"/> for
    /// <see cref="Durability.Fsync"/> and <see cref="Durability.Flush"/>; an <see cref="InMemoryEventLog"/> when
    /// <paramref name="directory"/> is null or the durability is <see cref="Durability.None"/>.
    /// </summary>
    public static IEventArchiveLog Create(string? directory, Durability durability, ColumnLogOptions? options = null) =>
        directory is null || durability == Durability.None
            ? new InMemoryEventLog()
            : ColumnLog.Open(directory, durability, options);
}
