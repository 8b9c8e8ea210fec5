using Expothesis.Fast.Assignment;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class BatchParserFieldTests
{
    [Fact]
    public void A_metric_event_becomes_a_record_with_resolved_ordinals_and_hashes()
    {
        var r = ParseHarness.Parse("""{"events":[{"experiment":"search","user_id":"user-123456","metric":"click","value":2.5,"variant":"c","event_id":"ev-9","timestamp":"2026-11-22T10:00:00Z"}]}""").AssertOk();
        var e = Assert.Single(r.Records);
        Assert.Equal(new ParsedEvent(0, 1, 0, 2, 2.5, 1_795_341_600_000, "user-123456", UnitHash.Compute("user-123456"u8),
            "ev-9", BatchParser.ComputeEventIdHash("ev-9"u8)), e);
        Assert.NotEqual(UnitHash.Compute("ev-9"u8), e.EventIdHash);
    }

    [Fact]
    public void Defaults_are_type_metric_value_one_no_variant_no_event_id_and_the_receive_time()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"experiment":"checkout","user_id":"u","metric":"revenue"}]""").AssertOk().Records);
        Assert.Equal(new ParsedEvent(0, 0, 1, EventRecord.NoVariant, 1, ParseHarness.ReceiveTimeMs, "u", UnitHash.Compute("u"u8), "", 0), e);
    }

    [Fact]
    public void An_exposure_needs_no_metric_and_records_the_exposure_metric()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"type":"exposure","experiment":"checkout","user_id":"u","variant":"green","value":"ignored?"}]""").Records.Concat(
            ParseHarness.Parse("""[{"type":"exposure","experiment":"checkout","user_id":"u","variant":"green"}]""").AssertOk().Records));
        Assert.Equal(EventRecord.ExposureMetric, e.Metric);
        Assert.Equal(1, e.Variant);
    }

    [Fact]
    public void Aliases_experiment_id_metric_name_and_metric_value_are_accepted()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"experiment_id":"exp_checkout","user_id":"u","metric_name":"revenue","metric_value":42}]""").AssertOk().Records);
        Assert.Equal((0, 1, 42.0), (e.Experiment, e.Metric, e.Value));
    }

    [Fact]
    public void Field_order_does_not_matter()
    {
        var a = ParseHarness.Parse("""[{"experiment":"checkout","user_id":"u","metric":"revenue","variant":"green","value":3}]""").AssertOk();
        var b = ParseHarness.Parse("""[{"value":3,"variant":"green","metric":"revenue","user_id":"u","experiment":"checkout"}]""").AssertOk();
        Assert.Equal(a.Records, b.Records);
    }

    [Fact]
    public void Escapes_in_keys_and_values_are_decoded_before_lookup_and_hashing()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"\u0065xperiment":"\u0063heckout","user\u005fid":"caf\u00e9\ud83d\ude00\n","metric\u005fname":"rev\u0065nue","variant":"gr\u0065en","event_id":"\"x\""}]""").AssertOk().Records);
        Assert.Equal((0, 1, 1), (e.Experiment, e.Metric, e.Variant));
        Assert.Equal("café😀\n", e.UnitId);
        Assert.Equal(UnitHash.Compute("café😀\n"), e.UnitHash);
        Assert.Equal("\"x\"", e.EventId);
    }

    [Fact]
    public void Non_ascii_names_resolve_through_their_utf8_bytes()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"experiment":"ünï-çødé","user_id":"ü","metric":"mé","variant":"vä"}]""").AssertOk().Records);
        Assert.Equal((6, 0, 0), (e.Experiment, e.Metric, e.Variant));
    }

    [Fact]
    public void Numeric_user_and_event_ids_use_their_json_text()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"experiment":"checkout","user_id":123456,"metric":"revenue","event_id":-7.5e3}]""").AssertOk().Records);
        Assert.Equal(("123456", "-7.5e3"), (e.UnitId, e.EventId));
        Assert.Equal(UnitHash.Compute("123456"u8), e.UnitHash);
    }

    [Fact]
    public void Unknown_fields_are_skipped_including_nested_objects_and_arrays()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"a":{"experiment":"nope","b":[{"user_id":"x"}]},"experiment":"checkout","c":[[],{}],"user_id":"u","metric":"revenue","d":null,"e":true,"f":"s","g":1}]""").AssertOk().Records);
        Assert.Equal(("u", 0), (e.UnitId, e.Experiment));
    }

    [Fact]
    public void Null_fields_count_as_absent()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"experiment":"checkout","user_id":"u","metric":"revenue","value":null,"variant":null,"timestamp":null,"event_id":null}]""").AssertOk().Records);
        Assert.Equal((1.0, EventRecord.NoVariant, ParseHarness.ReceiveTimeMs, ""), (e.Value, e.Variant, e.TimestampMs, e.EventId));
    }

    [Theory]
    [InlineData("\"2026-11-22T10:00:00Z\"", 1_795_341_600_000L)]
    [InlineData("\"2026-11-22t10:00:00z\"", 1_795_341_600_000L)]
    [InlineData("\"2026-11-22 10:00:00Z\"", 1_795_341_600_000L)]
    [InlineData("\"2026-11-22T10:00:00.5Z\"", 1_795_341_600_500L)]
    [InlineData("\"2026-11-22T10:00:00.123456789Z\"", 1_795_341_600_123L)]
    [InlineData("\"2026-11-22T11:30:00.25+01:30\"", 1_795_341_600_250L)]
    [InlineData("\"2026-11-22T05:00:00-05:00\"", 1_795_341_600_000L)]
    [InlineData("\"2026-11-22T05:00:00-0500\"", 1_795_341_600_000L)]
    [InlineData("\"1970-01-01T00:00:00Z\"", 0L)]
    [InlineData("\"2024-02-29T23:59:60Z\"", 1_709_251_199_999L)]
    [InlineData("\"2026-11-22T10:00:00\\u005a\"", 1_795_341_600_000L)]
    [InlineData("1795341600123", 1_795_341_600_123L)]
    public void Timestamps_are_rfc3339_strings_with_offsets_and_fractions_or_epoch_milliseconds(string json, long expected)
    {
        var e = Assert.Single(ParseHarness.Parse($$"""[{"experiment":"checkout","user_id":"u","metric":"revenue","timestamp":{{json}}}]""").AssertOk().Records);
        Assert.Equal(expected, e.TimestampMs);
        Assert.Equal(expected, DateTimeOffset.Parse(json == "1795341600123" ? "2026-11-22T10:00:00.123Z" : System.Text.Json.JsonSerializer.Deserialize<string>(json)!.Replace("60Z", "59.999Z", StringComparison.Ordinal).Replace("-0500", "-05:00", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("\"2026-11-22T10:00:00\"")]
    [InlineData("\"2026-11-22\"")]
    [InlineData("\"2026-02-30T10:00:00Z\"")]
    [InlineData("\"2026-11-22T24:00:00Z\"")]
    [InlineData("\"2026-11-22T10:00:00.Z\"")]
    [InlineData("\"2026-11-22T10:00:00+25:00\"")]
    [InlineData("\"2026-11-22T10:00:00Zjunk\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("1.5")]
    [InlineData("1e300")]
    [InlineData("true")]
    [InlineData("{}")]
    public void Unparseable_timestamps_reject_the_event_as_invalid_value(string json)
    {
        var r = ParseHarness.Parse($$"""[{"experiment":"checkout","user_id":"u","metric":"revenue","timestamp":{{json}}}]""").AssertOk();
        Assert.Empty(r.Records);
        Assert.Equal(RejectionCode.InvalidValue, r.Rejection(0).Code);
        Assert.Contains("timestamp", r.Rejection(0).Message, StringComparison.Ordinal);
    }
}
