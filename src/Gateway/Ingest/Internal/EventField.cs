namespace Expothesis.Fast.Gateway.Ingest.Internal;

/// <summary>The event fields the parser knows (aliases map to the same field).</summary>
internal enum EventField : byte
{
    Unknown,
    Experiment,
    UserId,
    Type,
    Metric,
    Value,
    Variant,
    Timestamp,
    EventId,
}

/// <summary>Maps property names (UTF-8, unescaped) to <see cref="EventField"/>s and back.</summary>
internal static class EventFields
{
    /// <summary>Longest known property name in bytes (<c>experiment_id</c>).</summary>
    public const int MaxNameBytes = 13;

    public static EventField Classify(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 when name.SequenceEqual("type"u8) => EventField.Type,
        5 when name.SequenceEqual("value"u8) => EventField.Value,
        6 when name.SequenceEqual("metric"u8) => EventField.Metric,
        7 when name.SequenceEqual("user_id"u8) => EventField.UserId,
        7 when name.SequenceEqual("variant"u8) => EventField.Variant,
        8 when name.SequenceEqual("event_id"u8) => EventField.EventId,
        9 when name.SequenceEqual("timestamp"u8) => EventField.Timestamp,
        10 when name.SequenceEqual("experiment"u8) => EventField.Experiment,
        11 when name.SequenceEqual("metric_name"u8) => EventField.Metric,
        12 when name.SequenceEqual("metric_value"u8) => EventField.Value,
        13 when name.SequenceEqual("experiment_id"u8) => EventField.Experiment,
        _ => EventField.Unknown,
    };

    public static string WireName(EventField field) => field switch
    {
        EventField.Experiment => "experiment",
        EventField.UserId => "user_id",
        EventField.Type => "type",
        EventField.Metric => "metric",
        EventField.Value => "value",
        EventField.Variant => "variant",
        EventField.Timestamp => "timestamp",
        EventField.EventId => "event_id",
        _ => "unknown",
    };
}
