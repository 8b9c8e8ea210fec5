using System.Buffers;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Gateway.Ingest;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class IngestRejectionsTests
{
    [Fact]
    public void Counts_are_exact_per_code_and_duplicates_are_counted_apart()
    {
        var r = new IngestRejections();
        for (int i = 0; i < 150; i++)
        {
            r.Add(i, i % 3 == 0 ? RejectionCode.UnknownMetric : RejectionCode.NotExposed, $"m{i}");
        }
        r.Add(150, RejectionCode.Duplicate);
        r.Add(151, RejectionCode.None);
        Assert.Equal((50, 100, 1, 150), (r.CountOf(RejectionCode.UnknownMetric), r.CountOf(RejectionCode.NotExposed), r.Duplicates, r.Rejected));
        Assert.Equal(100, r.Listed.Length);
        Assert.DoesNotContain(r.Listed.ToArray(), l => l.Code == RejectionCode.Duplicate);
    }

    [Fact]
    public void The_lowest_hundred_indexes_are_listed_in_order_whatever_the_order_of_adding()
    {
        var r = new IngestRejections();
        var random = new Random(5);
        int[] indexes = Enumerable.Range(0, 300).OrderBy(_ => random.Next()).ToArray();
        foreach (int i in indexes)
        {
            r.Add(i, RejectionCode.VariantMismatch, $"m{i}");
        }
        Assert.Equal(Enumerable.Range(0, 100), r.Listed.ToArray().Select(l => l.Index));
        Assert.Equal("m42", r.Listed[42].Message);
        Assert.False(r.WillList(100, RejectionCode.NotExposed));
        Assert.True(r.WillList(5, RejectionCode.NotExposed));
        Assert.False(r.WillList(5, RejectionCode.Duplicate));
    }

    [Fact]
    public void Reset_empties_everything()
    {
        var r = new IngestRejections();
        r.Add(0, RejectionCode.MissingField);
        r.Add(1, RejectionCode.Duplicate);
        r.Reset();
        Assert.Equal((0, 0, 0), (r.Rejected, r.Duplicates, r.Listed.Length));
        Assert.Equal(0, r.CountOf(RejectionCode.MissingField));
    }

    [Fact]
    public void The_response_json_has_accepted_rejected_duplicates_and_errors()
    {
        var r = new IngestRejections();
        r.Add(3, RejectionCode.UnknownMetric, "metric 'purchse' is not defined");
        r.Add(7, RejectionCode.Duplicate);
        r.Add(9, RejectionCode.InvalidValue);
        var buffer = new ArrayBufferWriter<byte>();
        r.WriteResponse(buffer, 498);
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        var root = doc.RootElement;
        Assert.Equal(498, root.GetProperty("accepted").GetInt32());
        Assert.Equal(2, root.GetProperty("rejected").GetInt32());
        Assert.Equal(1, root.GetProperty("duplicates").GetInt32());
        var errors = root.GetProperty("errors");
        Assert.Equal(2, errors.GetArrayLength());
        Assert.Equal(3, errors[0].GetProperty("index").GetInt32());
        Assert.Equal("unknown_metric", errors[0].GetProperty("code").GetString());
        Assert.Equal("metric 'purchse' is not defined", errors[0].GetProperty("message").GetString());
        Assert.Equal("invalid_value", errors[1].GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(errors[1].GetProperty("message").GetString()));
        Assert.StartsWith("{\"accepted\":498,\"rejected\":2,\"duplicates\":1,\"errors\":[", Encoding.UTF8.GetString(buffer.WrittenSpan), StringComparison.Ordinal);
    }
}
