using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class BatchParserFormatTests
{
    [Fact]
    public void An_object_with_an_events_array_skips_other_root_properties()
    {
        var r = ParseHarness.Parse(Payloads.MixedObject).AssertOk();
        Assert.Equal(13, r.Outcome.EventCount);
        Assert.Equal(200, r.Outcome.HttpStatusCode);
    }

    [Fact]
    public void A_bare_array_is_a_batch()
    {
        var r = ParseHarness.Parse(Payloads.BareArray).AssertOk();
        Assert.Equal(4, r.Outcome.EventCount);
        Assert.Equal([0, 1], r.Records.Select(e => e.BodyIndex));
        Assert.Equal(RejectionCode.ExperimentStopped, r.Rejection(2).Code);
        Assert.Equal(RejectionCode.UnknownVariant, r.Rejection(3).Code);
    }

    [Fact]
    public void Ndjson_takes_one_object_per_line_and_ignores_blank_lines()
    {
        var r = ParseHarness.Parse(Payloads.Ndjson, BatchFormat.Ndjson).AssertOk();
        Assert.Equal(4, r.Outcome.EventCount);
        Assert.Equal([0, 1, 3], r.Records.Select(e => e.BodyIndex));
        Assert.Equal(RejectionCode.UnknownExperiment, r.Rejection(2).Code);
        Assert.Equal(1_767_225_600_500L, r.Records[2].TimestampMs);
    }

    [Fact]
    public void An_empty_ndjson_body_is_an_empty_batch()
    {
        var r = ParseHarness.Parse("\n\n  \n", BatchFormat.Ndjson).AssertOk();
        Assert.Equal(0, r.Outcome.EventCount);
        Assert.Equal(0, ParseHarness.Parse("", BatchFormat.Ndjson).AssertOk().Outcome.EventCount);
    }

    [Fact]
    public void An_ndjson_line_that_is_not_an_object_is_a_syntax_error_at_that_line()
    {
        var r = ParseHarness.Parse("{\"experiment\":\"checkout\",\"user_id\":\"a\",\"type\":\"exposure\"}\n[1]\n", BatchFormat.Ndjson);
        Assert.Equal(ParseStatus.SyntaxError, r.Outcome.Status);
        Assert.Equal(58, r.Outcome.ErrorOffset);
        Assert.Empty(r.Records);
    }

    [Fact]
    public void A_single_event_body_is_one_event()
    {
        var r = ParseHarness.Parse(Payloads.Single, BatchFormat.SingleEvent).AssertOk();
        var e = Assert.Single(r.Records);
        Assert.Equal(("solo", "only", 7.0), (e.UnitId, e.EventId, e.Value));
    }

    [Fact]
    public void A_single_event_body_with_a_rejected_event_reports_index_zero()
    {
        var r = ParseHarness.Parse("""{"experiment":"checkout","user_id":"u"}""", BatchFormat.SingleEvent).AssertOk();
        Assert.Equal(RejectionCode.MissingField, r.Rejection(0).Code);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"events\":[]}")]
    [InlineData("  {\"events\" : [ ] , \"x\": {}}  ")]
    public void Empty_batches_are_ok(string body) => Assert.Equal(0, ParseHarness.Parse(body).AssertOk().Outcome.EventCount);

    [Theory]
    [InlineData("{}", 1)]
    [InlineData("{\"evnts\":[]}", 11)]
    [InlineData("{\"events\":{}}", 10)]
    [InlineData("[1]", 1)]
    [InlineData("[{}, \"e\"]", 5)]
    [InlineData("\"events\"", 0)]
    [InlineData("[[]]", 1)]
    public void A_json_body_of_the_wrong_shape_is_a_syntax_error_at_the_offending_token(string body, long offset)
    {
        var r = ParseHarness.Parse(body);
        Assert.Equal((ParseStatus.SyntaxError, offset, 400), (r.Outcome.Status, r.Outcome.ErrorOffset, r.Outcome.HttpStatusCode));
        Assert.Empty(r.Records);
        Assert.Equal(0, r.Rejected);
    }

    [Theory]
    [InlineData("[{}]")]
    [InlineData("{\"events\":[]}")]
    public void A_single_event_body_must_be_an_object_event(string body)
    {
        var r = ParseHarness.Parse(body, BatchFormat.SingleEvent);
        Assert.Equal(ParseStatus.SyntaxError == r.Outcome.Status, body.StartsWith('['));
    }
}
