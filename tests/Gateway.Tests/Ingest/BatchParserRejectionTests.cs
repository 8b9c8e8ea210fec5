using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class BatchParserRejectionTests
{
    private const string Good = """{"experiment":"checkout","user_id":"ok","metric":"revenue"}""";

    /// <summary>Parses [good, event, good] and returns the middle event's rejection, checking that only it was rejected.</summary>
    private static IngestRejection RejectionOf(string evt)
    {
        var r = ParseHarness.Parse($"[{Good},{evt},{Good}]").AssertOk();
        Assert.Equal([0, 2], r.Records.Select(e => e.BodyIndex));
        Assert.Equal(1, r.Rejected);
        Assert.Equal("ok", r.Records[1].UnitId);
        return r.Rejection(1);
    }

    [Theory]
    [InlineData("""{"experiment":"nope","user_id":"u","metric":"revenue"}""", "unknown_experiment", "experiment 'nope' does not exist")]
    [InlineData("""{"experiment":"archived-exp","user_id":"u","metric":"m"}""", "unknown_experiment", "experiment 'archived-exp' does not exist")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"purchse"}""", "unknown_metric", "metric 'purchse' is not defined for experiment 'checkout'")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","variant":"blue"}""", "unknown_variant", "variant 'blue' is not defined for experiment 'checkout'")]
    [InlineData("""{"experiment":"checkout","user_id":"u","type":"exposure","variant":"blue"}""", "unknown_variant", "variant 'blue' is not defined for experiment 'checkout'")]
    [InlineData("""{"experiment":"draft-exp","user_id":"u","metric":"m"}""", "experiment_not_running", "experiment 'draft-exp' is not running")]
    [InlineData("""{"experiment":"draft-exp","user_id":"u","type":"exposure"}""", "experiment_not_running", "experiment 'draft-exp' is not running")]
    [InlineData("""{"experiment":"paused-exp","user_id":"u","type":"exposure"}""", "experiment_not_running", "experiment 'paused-exp' is paused and takes no exposures")]
    [InlineData("""{"experiment":"stopped-exp","user_id":"u","metric":"m"}""", "experiment_stopped", "experiment 'stopped-exp' is stopped")]
    [InlineData("""{"experiment":"stopped-exp","user_id":"u","type":"exposure"}""", "experiment_stopped", "experiment 'stopped-exp' is stopped")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","value":"5"}""", "invalid_value", "field 'value' must be a finite number")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","value":1e400}""", "invalid_value", "field 'value' must be a finite number")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","value":-1e999}""", "invalid_value", "field 'value' must be a finite number")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","value":[1]}""", "invalid_value", "field 'value' must be a finite number")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","value":true}""", "invalid_value", "field 'value' must be a finite number")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","type":"click"}""", "invalid_value", "field 'type' must be \"metric\" or \"exposure\"")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","type":1}""", "invalid_value", "field 'type' must be \"metric\" or \"exposure\"")]
    [InlineData("""{"experiment":true,"user_id":"u","metric":"revenue"}""", "invalid_value", "field 'experiment' must be a string")]
    [InlineData("""{"experiment":"checkout","user_id":{"id":1},"metric":"revenue"}""", "invalid_value", "field 'user_id' must be a string")]
    [InlineData("""{"experiment":"checkout","user_id":"u","metric":"revenue","variant":false}""", "invalid_value", "field 'variant' must be a string")]
    [InlineData("""{"experiment":"checkout","user_id":"\ud800","metric":"revenue"}""", "invalid_value", "field 'user_id' must be a string")]
    [InlineData("""{"user_id":"u","metric":"revenue"}""", "missing_field", "field 'experiment' is required")]
    [InlineData("""{"experiment":"checkout","metric":"revenue"}""", "missing_field", "field 'user_id' is required")]
    [InlineData("""{"experiment":"checkout","user_id":"","metric":"revenue"}""", "missing_field", "field 'user_id' is required")]
    [InlineData("""{"experiment":"checkout","user_id":null,"metric":"revenue"}""", "missing_field", "field 'user_id' is required")]
    [InlineData("""{"experiment":"checkout","user_id":"u"}""", "missing_field", "field 'metric' is required")]
    [InlineData("""{"experiment":"checkout","user_id":"u","type":"metric","value":3}""", "missing_field", "field 'metric' is required")]
    [InlineData("""{}""", "missing_field", "field 'experiment' is required")]
    public void Each_rejection_code_rejects_only_its_event_with_index_and_message(string evt, string code, string message)
    {
        var rejection = RejectionOf(evt);
        Assert.Equal((1, code, message), (rejection.Index, rejection.Code.ToWire(), rejection.Message));
    }

    [Theory]
    [InlineData("user_id")]
    [InlineData("event_id")]
    [InlineData("experiment")]
    [InlineData("metric")]
    [InlineData("variant")]
    public void Ids_longer_than_the_limit_are_field_too_long(string field)
    {
        string evt = $$"""{"experiment":"checkout","user_id":"u","metric":"revenue","{{field}}":"{{new string('x', 257)}}"}""";
        var rejection = RejectionOf(evt);
        Assert.Equal(RejectionCode.FieldTooLong, rejection.Code);
        Assert.Equal($"field '{field}' is longer than 256 bytes", rejection.Message);
    }

    [Fact]
    public void Ids_are_measured_after_unescaping()
    {
        string atLimit = string.Concat(Enumerable.Repeat("\\u0041", 256));
        var r = ParseHarness.Parse($$"""[{"experiment":"checkout","user_id":"{{atLimit}}","metric":"revenue"}]""").AssertOk();
        Assert.Equal(new string('A', 256), Assert.Single(r.Records).UnitId);
        var rejection = RejectionOf($$"""{"experiment":"checkout","user_id":"{{atLimit}}B","metric":"revenue"}""");
        Assert.Equal(RejectionCode.FieldTooLong, rejection.Code);
        rejection = RejectionOf($$"""{"experiment":"checkout","user_id":"{{new string('x', 5000)}}","metric":"revenue"}""");
        Assert.Equal(RejectionCode.FieldTooLong, rejection.Code);
    }

    [Fact]
    public void Paused_experiments_pass_metric_events_through()
    {
        var e = Assert.Single(ParseHarness.Parse("""[{"experiment":"paused-exp","user_id":"u","metric":"m","variant":"b"}]""").AssertOk().Records);
        Assert.Equal((4, 0, 1), (e.Experiment, e.Metric, e.Variant));
    }

    [Fact]
    public void The_first_problem_of_an_event_decides_its_code()
    {
        var rejection = RejectionOf("""{"experiment":"nope","value":"x","user_id":"u","metric":"revenue"}""");
        Assert.Equal(RejectionCode.InvalidValue, rejection.Code);
    }

    [Fact]
    public async Task A_rejected_event_leaves_no_bytes_in_the_arena()
    {
        var parser = new BatchParser(new GatewayLimits());
        using var batch = new EventBatch();
        var rejections = new IngestRejections();
        parser.Reset(FakeSchema.Standard(), batch, rejections, BatchFormat.Json, 0);
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync("""[{"experiment":"nope","user_id":"a-long-user-id","event_id":"an-event-id","metric":"revenue"},{"experiment":"checkout","user_id":"u","metric":"revenue"}]"""u8.ToArray());
        pipe.Writer.Complete();
        var outcome = await parser.ParseAsync(pipe.Reader, CancellationToken.None);
        Assert.True(outcome.IsOk);
        Assert.Equal(1, batch.Count);
        Assert.Equal("u"u8.ToArray(), batch.Arena.ToArray());
    }

    [Fact]
    public void Counts_stay_exact_beyond_the_hundred_listed_rejections()
    {
        var events = Enumerable.Range(0, 250).Select(i => i % 2 == 0
            ? $$"""{"experiment":"nope{{i}}","user_id":"u","metric":"revenue"}"""
            : $$"""{"experiment":"checkout","user_id":"u{{i}}","metric":"revenue"}""");
        var r = ParseHarness.Parse("[" + string.Join(",", events) + "]").AssertOk();
        Assert.Equal(125, r.Rejected);
        Assert.Equal(125, r.Records.Count);
        Assert.Equal(100, r.Listed.Length);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 2), r.Listed.Select(l => l.Index));
        Assert.Equal("experiment 'nope198' does not exist", r.Listed[^1].Message);
    }
}
