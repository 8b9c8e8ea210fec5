using System.Text;
using Expothesis.Fast.Gateway.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class BatchParserSegmentationTests
{
    public static TheoryData<string> Bodies => [nameof(Payloads.MixedObject), nameof(Payloads.BareArray), nameof(Payloads.Ndjson), nameof(Payloads.Single), nameof(Payloads.Malformed)];

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Every_two_piece_split_of_the_body_parses_exactly_like_the_whole_body(string name)
    {
        var (text, format) = Payloads.Get(name);
        byte[] body = Encoding.UTF8.GetBytes(text);
        string expected = ParseHarness.Parse(body, [], format, interleave: false).Dump();
        for (int cut = 1; cut < body.Length; cut++)
        {
            string interleaved = ParseHarness.Parse(body, [cut], format, interleave: true).Dump();
            Assert.True(expected == interleaved, $"split at {cut} (parser resumed):\n{interleaved}\nexpected:\n{expected}");
            string multiSegment = ParseHarness.Parse(body, [cut], format, interleave: false).Dump();
            Assert.True(expected == multiSegment, $"split at {cut} (one multi-segment read):\n{multiSegment}\nexpected:\n{expected}");
        }
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Every_three_piece_split_around_each_byte_parses_exactly_like_the_whole_body(string name)
    {
        var (text, format) = Payloads.Get(name);
        byte[] body = Encoding.UTF8.GetBytes(text);
        string expected = ParseHarness.Parse(body, [], format, interleave: false).Dump();
        for (int cut = 1; cut + 1 < body.Length; cut++)
        {
            string result = ParseHarness.Parse(body, [cut, cut + 1], format, interleave: true).Dump();
            Assert.True(expected == result, $"pieces [0,{cut}) [{cut},{cut + 1}) [{cut + 1},end):\n{result}\nexpected:\n{expected}");
        }
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void One_byte_segments_parse_exactly_like_the_whole_body(string name)
    {
        var (text, format) = Payloads.Get(name);
        byte[] body = Encoding.UTF8.GetBytes(text);
        string expected = ParseHarness.Parse(body, [], format, interleave: false).Dump();
        int[] cuts = Enumerable.Range(1, body.Length - 1).ToArray();
        Assert.Equal(expected, ParseHarness.Parse(body, cuts, format, interleave: true).Dump());
        Assert.Equal(expected, ParseHarness.Parse(body, cuts, format, interleave: false).Dump());
    }

    [Fact]
    public void The_mixed_batch_yields_the_expected_records_and_rejections()
    {
        var r = ParseHarness.Parse(Payloads.MixedObject).AssertOk();
        Assert.Equal(13, r.Outcome.EventCount);
        Assert.Equal([0, 1, 2, 5, 7, 10, 12], r.Records.Select(e => e.BodyIndex));
        Assert.Equal([3, 4, 6, 8, 9, 11], r.Listed.Select(l => l.Index));
        Assert.Equal(6, r.Rejected);
    }
}
