using Expothesis.Fast.Gateway.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

/// <summary>Request bodies shared by the parser tests.</summary>
internal static class Payloads
{
    /// <summary>A mixed batch: aliases, escapes, nested unknown fields, timestamps, rejections.</summary>
    public const string MixedObject = """
        {"meta": {"sdk": ["x", {"y": [1, 2]}], "n": null}, "events": [
          {"experiment": "checkout", "user_id": "user-123456", "type": "exposure", "variant": "green", "timestamp": "2026-11-22T10:00:00Z"},
          {"metric": "purchase", "value": 12.5e0, "user_id": "user-123456", "experiment": "checkout", "event_id": "e-1"},
          {"experiment_id": "exp_search", "user_id": "u\u002d7", "metric_name": "click", "metric_value": -3, "timestamp": 1764000000123},
          {"experiment": "nope", "user_id": "u1", "metric": "purchase"},
          {"experiment": "checkout", "user_id": "u2", "metric": "purchse"},
          {"ext": {"deep": [[[{}]]]}, "experiment": "checkout", "user_id": "u3", "metric": "revenue", "value": 1e-3, "variant": "control"},
          {"experiment": "checkout", "user_id": "u4", "metric": "revenue", "value": "5"},
          {"experiment": "ch\u0065ckout", "us\u0065r_id": "\u00fcser \"q\"", "type": "metric", "metric": "purchase", "timestamp": "2026-11-22T11:30:00.1234+01:30"},
          {"experiment": "draft-exp", "user_id": "u5", "metric": "m"},
          {"experiment": "paused-exp", "user_id": "u6", "type": "exposure"},
          {"experiment": "paused-exp", "user_id": "u6", "metric": "m", "variant": "b"},
          {"user_id": "u7", "metric": "m"},
          {"experiment": "ünï-çødé", "user_id": 12345, "metric": "mé", "variant": "vä", "event_id": 99}
        ], "trailer": true}
        """;

    /// <summary>The same kinds of events as a bare array.</summary>
    public const string BareArray = """
        [{"experiment":"checkout","user_id":"a","type":"exposure"},{"experiment":"checkout","user_id":"a","metric":"revenue","value":3.25},
         {"experiment":"stopped-exp","user_id":"b","metric":"m"}, {"experiment":"checkout","user_id":"c","metric":"revenue","variant":"blue"}]
        """;

    /// <summary>NDJSON with blank lines and CRLF.</summary>
    public const string Ndjson =
        "{\"experiment\":\"checkout\",\"user_id\":\"a\",\"type\":\"exposure\"}\n" +
        "\n" +
        "{\"experiment\":\"checkout\",\"user_id\":\"a\",\"metric\":\"revenue\",\"value\":2}\r\n" +
        "   \n" +
        "{\"experiment\":\"nope\",\"user_id\":\"a\",\"metric\":\"revenue\"}\n" +
        "{\"experiment\":\"search\",\"user_id\":\"z\",\"metric\":\"click\",\"timestamp\":\"2026-01-01T00:00:00.5Z\"}\n";

    /// <summary>One event.</summary>
    public const string Single = """{"experiment": "checkout", "user_id": "solo", "metric": "purchase", "value": 7, "event_id": "only"}""";

    /// <summary>Broken in the middle of the third event (a missing value after a colon).</summary>
    public const string Malformed = """
        {"events": [
          {"experiment": "checkout", "user_id": "a", "metric": "purchase"},
          {"experiment": "checkout", "user_id": "b", "metric": "purchase"},
          {"experiment": "checkout", "user_id": , "metric": "purchase"}
        ]}
        """;

    public static (string Body, BatchFormat Format) Get(string name) => name switch
    {
        nameof(MixedObject) => (MixedObject, BatchFormat.Json),
        nameof(BareArray) => (BareArray, BatchFormat.Json),
        nameof(Ndjson) => (Ndjson, BatchFormat.Ndjson),
        nameof(Single) => (Single, BatchFormat.SingleEvent),
        nameof(Malformed) => (Malformed, BatchFormat.Json),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
