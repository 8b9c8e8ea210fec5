using System.Text;
using Expothesis.Fast.Gateway.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class BatchParserSyntaxTests
{
    // Each body is broken at the byte marked by the first occurrence of `marker`; the expected offset
    // is that byte's position plus `shift` (where the reader notices the problem).
    [Theory]
    [InlineData("[{\"experiment\":\"checkout\",\"user_id\":\"a\",}]", ",}", 1)]
    [InlineData("{\"events\":[{\"experiment\":\"checkout\" \"user_id\":\"a\"}]}", "\"user_id\"", 0)]
    [InlineData("[{\"experiment\":\"checkout\",\"user_id\":tru}]", "tru}", 3)]
    [InlineData("[{\"experiment\":\"checkout\",\"user_id\":\"a\\qb\"}]", "\\q", 1)]
    [InlineData("[{\"experiment\":\"checkout\",\"user_id\":\"a\"}] x", "] x", 2)]
    [InlineData("[{\"experiment\":\"checkout\",\"user_id\":\"a\"}]]", "]]", 1)]
    [InlineData("[{\"experiment\":\"checkout\",\"user_id\":01}]", "01", 1)]
    [InlineData("[{\"experiment\":\"checkout\"}\n,\n{\"user_id\" \"a\"}]", "\"a\"", 0)]
    [InlineData("[{\"experiment\":\"checkout\"},\n\n  {\"user_id\":\"a\"},\n  {\"metric\": ,}]", ",}", 0)]
    [InlineData("[{'experiment':'checkout'}]", "'", 0)]
    [InlineData("[{\"experiment\":\"checkout\"} /* no comments */]", "/*", 0)]
    public void Malformed_json_is_a_syntax_error_at_the_offending_byte_and_nothing_is_kept(string body, string marker, int shift)
    {
        long expected = body.IndexOf(marker, StringComparison.Ordinal) + shift;
        var r = ParseHarness.Parse(body);
        Assert.True(r.Outcome.Status == ParseStatus.SyntaxError, r.Dump());
        Assert.Equal(400, r.Outcome.HttpStatusCode);
        Assert.Equal(expected, r.Outcome.ErrorOffset);
        Assert.Empty(r.Records);
        Assert.Equal(0, r.Rejected);
        Assert.StartsWith("Malformed JSON", r.Outcome.Message, StringComparison.Ordinal);
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            Assert.Equal(r.Dump(), ParseHarness.Parse(bytes, [cut], BatchFormat.Json, interleave: true).Dump());
        }
    }

    [Fact]
    public void The_multi_line_malformed_batch_reports_the_offset_of_the_missing_value()
    {
        var r = ParseHarness.Parse(Payloads.Malformed);
        Assert.Equal(ParseStatus.SyntaxError, r.Outcome.Status);
        Assert.Equal(Payloads.Malformed.IndexOf(": , ", StringComparison.Ordinal) + 2, r.Outcome.ErrorOffset);
        Assert.Empty(r.Records);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[")]
    [InlineData("[{\"experiment\":\"checkout\"")]
    [InlineData("{\"events\":[{\"experiment\":\"checkout\",\"user_id\":\"a\",\"metric\":\"revenue\"}]")]
    [InlineData("[{\"experiment\":\"checkout\",\"user_id\":\"a")]
    public void A_truncated_body_is_a_syntax_error_at_its_end(string body)
    {
        var r = ParseHarness.Parse(body);
        Assert.Equal(ParseStatus.SyntaxError, r.Outcome.Status);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), r.Outcome.ErrorOffset);
        Assert.Empty(r.Records);
    }

    [Fact]
    public void A_syntax_error_after_valid_and_rejected_events_discards_them_all()
    {
        string body = "[{\"experiment\":\"checkout\",\"user_id\":\"a\",\"metric\":\"revenue\"},{\"experiment\":\"nope\",\"user_id\":\"a\",\"metric\":\"revenue\"},{\"x\":}]";
        var r = ParseHarness.Parse(body);
        Assert.Equal(ParseStatus.SyntaxError, r.Outcome.Status);
        Assert.Equal(body.IndexOf("{\"x\":}", StringComparison.Ordinal) + 5, r.Outcome.ErrorOffset);
        Assert.Empty(r.Records);
        Assert.Equal(0, r.Rejected);
        Assert.Empty(r.Listed);
    }

    [Fact]
    public void A_broken_ndjson_line_reports_its_absolute_offset()
    {
        string body = "{\"experiment\":\"checkout\",\"user_id\":\"a\",\"type\":\"exposure\"}\n\n{\"experiment\":\"checkout\",\"user_id\":\"a\",\"metric\" \"revenue\"}\n";
        var r = ParseHarness.Parse(body, BatchFormat.Ndjson);
        Assert.Equal(ParseStatus.SyntaxError, r.Outcome.Status);
        Assert.Equal(body.IndexOf(" \"revenue\"", StringComparison.Ordinal) + 1, r.Outcome.ErrorOffset);
        Assert.Empty(r.Records);
    }
}
