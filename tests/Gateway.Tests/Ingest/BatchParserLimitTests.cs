using System.Text;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class BatchParserLimitTests
{
    private static string Batch(int events, int padding = 0) =>
        "[" + string.Join(",", Enumerable.Range(0, events).Select(i =>
            $$"""{"experiment":"checkout","user_id":"u{{i}}","metric":"revenue","pad":"{{new string('p', padding)}}"}""")) + "]";

    [Fact]
    public void A_body_over_max_body_bytes_is_too_large_with_413_and_nothing_kept()
    {
        var limits = new GatewayLimits { MaxBodyBytes = 4096 };
        string body = Batch(60);
        Assert.True(Encoding.UTF8.GetByteCount(body) > 4096);
        var r = ParseHarness.Parse(body, limits: limits);
        Assert.Equal((ParseStatus.TooLarge, 413), (r.Outcome.Status, r.Outcome.HttpStatusCode));
        Assert.Contains("4096", r.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(r.Records);
        Assert.Equal(0, r.Rejected);
    }

    [Fact]
    public void A_body_over_max_body_bytes_is_too_large_whatever_the_segmentation()
    {
        var limits = new GatewayLimits { MaxBodyBytes = 4096 };
        byte[] body = Encoding.UTF8.GetBytes(Batch(60));
        var cuts = Enumerable.Range(1, body.Length / 100).Select(i => i * 100).ToArray();
        var r = ParseHarness.Parse(body, cuts, BatchFormat.Json, interleave: true, limits);
        Assert.Equal(ParseStatus.TooLarge, r.Outcome.Status);
        Assert.Empty(r.Records);
    }

    [Fact]
    public void A_body_of_exactly_max_body_bytes_is_accepted()
    {
        string body = Batch(20);
        int size = Encoding.UTF8.GetByteCount(body);
        body += new string(' ', 2048 - size);
        var r = ParseHarness.Parse(body, limits: new GatewayLimits { MaxBodyBytes = 2048 }).AssertOk();
        Assert.Equal(20, r.Records.Count);
        var over = ParseHarness.Parse(body + " ", limits: new GatewayLimits { MaxBodyBytes = 2048 });
        Assert.Equal(ParseStatus.TooLarge, over.Outcome.Status);
    }

    [Fact]
    public void More_than_max_events_per_batch_is_413_saying_so()
    {
        var limits = new GatewayLimits { MaxEventsPerBatch = 5 };
        Assert.Equal(5, ParseHarness.Parse(Batch(5), limits: limits).AssertOk().Records.Count);
        var r = ParseHarness.Parse(Batch(6), limits: limits);
        Assert.Equal((ParseStatus.TooManyEvents, 413), (r.Outcome.Status, r.Outcome.HttpStatusCode));
        Assert.Contains("more than 5 events", r.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(r.Records);
        var nd = ParseHarness.Parse(string.Join("\n", Enumerable.Range(0, 6).Select(_ => """{"experiment":"checkout","user_id":"u","metric":"revenue"}""")), BatchFormat.Ndjson, limits);
        Assert.Equal(ParseStatus.TooManyEvents, nd.Outcome.Status);
    }

    [Fact]
    public void The_default_limits_take_ten_thousand_events_and_refuse_one_more()
    {
        Assert.Equal(10_000, ParseHarness.Parse(Batch(10_000)).AssertOk().Records.Count);
        Assert.Equal(ParseStatus.TooManyEvents, ParseHarness.Parse(Batch(10_001)).Outcome.Status);
    }

    [Fact]
    public void An_event_over_max_event_bytes_is_rejected_field_too_long_and_the_rest_accepted()
    {
        var limits = new GatewayLimits { MaxEventBytes = 256 };
        string big = $$"""{"experiment":"checkout","user_id":"big","metric":"revenue","pad":"{{new string('p', 300)}}"}""";
        string small = """{"experiment":"checkout","user_id":"small","metric":"revenue"}""";
        var r = ParseHarness.Parse($"[{small},{big},{small}]", limits: limits).AssertOk();
        Assert.Equal([0, 2], r.Records.Select(e => e.BodyIndex));
        Assert.Equal(RejectionCode.FieldTooLong, r.Rejection(1).Code);
        Assert.Equal("the event is larger than 256 bytes", r.Rejection(1).Message);
    }

    [Fact]
    public void An_event_of_exactly_max_event_bytes_is_accepted()
    {
        string evt = """{"experiment":"checkout","user_id":"u","metric":"revenue","pad":""}""";
        evt = evt.Replace("\"\"}", "\"" + new string('p', 256 - evt.Length) + "\"}", StringComparison.Ordinal);
        Assert.Equal(256, evt.Length);
        var limits = new GatewayLimits { MaxEventBytes = 256 };
        Assert.Single(ParseHarness.Parse($"[{evt}]", limits: limits).AssertOk().Records);
        Assert.Empty(ParseHarness.Parse($"[{evt.Replace("\"pad\"", "\"padd\"", StringComparison.Ordinal)}]", limits: limits).AssertOk().Records);
    }

    [Fact]
    public void The_max_id_bytes_limit_is_configurable()
    {
        var limits = new GatewayLimits { MaxIdBytes = 8 };
        var r = ParseHarness.Parse("""[{"experiment":"checkout","user_id":"12345678","metric":"revenue"},{"experiment":"checkout","user_id":"123456789","metric":"revenue"}]""", limits: limits).AssertOk();
        Assert.Equal([0], r.Records.Select(e => e.BodyIndex));
        Assert.Equal("field 'user_id' is longer than 8 bytes", r.Rejection(1).Message);
    }

    [Fact]
    public void Nesting_deeper_than_max_depth_is_a_syntax_error()
    {
        // Root array (1) + event object (2) + nested unknown values.
        static string Nested(int levels) => "[{\"experiment\":\"checkout\",\"user_id\":\"u\",\"metric\":\"revenue\",\"x\":" + new string('[', levels) + new string(']', levels) + "}]";
        Assert.Single(ParseHarness.Parse(Nested(14)).AssertOk().Records);
        var r = ParseHarness.Parse(Nested(15));
        Assert.Equal((ParseStatus.SyntaxError, 400), (r.Outcome.Status, r.Outcome.HttpStatusCode));
        Assert.Contains("depth", r.Outcome.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Nested(15).IndexOf('[', 60) + 14, r.Outcome.ErrorOffset);
        Assert.Single(ParseHarness.Parse(Nested(15), limits: new GatewayLimits { MaxDepth = 17 }).AssertOk().Records);
    }
}
