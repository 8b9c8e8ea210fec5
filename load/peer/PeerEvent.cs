using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Expothesis.Fast.Peer;

/// <summary>One event of <c>POST /api/v1/events/batch</c>, in the same JSON shape as Expothesis accepts.</summary>
public record struct PeerEvent
{
    [JsonPropertyName("experiment")]
    public string? Experiment { get; set; }

    [JsonPropertyName("user_id")]
    public string? UserId { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("metric")]
    public string? Metric { get; set; }

    [JsonPropertyName("variant")]
    public string? Variant { get; set; }

    [JsonPropertyName("value")]
    public double? Value { get; set; }

    [JsonPropertyName("timestamp")]
    [JsonConverter(typeof(EpochMillisecondsConverter))]
    public long? Timestamp { get; set; }

    [JsonPropertyName("event_id")]
    public string? EventId { get; set; }
}

/// <summary>The batch body <c>{ "events": [...] }</c>.</summary>
public sealed class PeerBatch
{
    [JsonPropertyName("events")]
    public PeerEvent[]? Events { get; set; }
}

/// <summary>The ingest response, as Expothesis answers it.</summary>
public sealed record PeerIngestResult(
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("duplicates")] int Duplicates);

/// <summary>Per variant and metric: units with events, Σy and Σy² over units.</summary>
public sealed record PeerMoments(
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("sum")] double Sum,
    [property: JsonPropertyName("sum_sq")] double SumSquares);

/// <summary>The peer's analysis answer: exposed units per variant and the unit-level moments.</summary>
public sealed record PeerAnalysis(
    [property: JsonPropertyName("experiment")] string Experiment,
    [property: JsonPropertyName("units")] Dictionary<string, long> Units,
    [property: JsonPropertyName("metrics")] List<PeerMoments> Metrics,
    [property: JsonPropertyName("sql_ms")] double SqlMilliseconds);

/// <summary>Reads a timestamp given as Unix epoch milliseconds or an RFC 3339 string.</summary>
public sealed class EpochMillisecondsConverter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetInt64(),
        JsonTokenType.String => DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
        JsonTokenType.Null => null,
        _ => throw new JsonException("timestamp must be a number or a string"),
    };

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

[JsonSerializable(typeof(PeerBatch))]
[JsonSerializable(typeof(PeerIngestResult))]
[JsonSerializable(typeof(PeerAnalysis))]
internal sealed partial class PeerJsonContext : JsonSerializerContext;
