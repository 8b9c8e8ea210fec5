using Expothesis.Fast.Gateway.Ingest;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class GatewayLimitsTests
{
    [Fact]
    public void Defaults_match_the_documented_limits()
    {
        var l = new GatewayLimits();
        Assert.Equal((16L * 1024 * 1024, 10_000, 32 * 1024, 256, 16), (l.MaxBodyBytes, l.MaxEventsPerBatch, l.MaxEventBytes, l.MaxIdBytes, l.MaxDepth));
        Assert.Null(l.Validate());
        Assert.Equal("Expothesis:Limits", GatewayLimits.SectionName);
    }

    [Fact]
    public void Setters_refuse_out_of_range_values()
    {
        var l = new GatewayLimits();
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxBodyBytes = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxBodyBytes = 2L << 30);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxEventsPerBatch = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxEventBytes = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxIdBytes = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MaxDepth = 1000);
        Assert.Equal(16L * 1024 * 1024, l.MaxBodyBytes);
    }

    [Fact]
    public void Validate_reports_inconsistent_limits()
    {
        var l = new GatewayLimits { MaxEventBytes = 100, MaxIdBytes = 200 };
        Assert.Contains("MaxIdBytes", l.Validate(), StringComparison.Ordinal);
    }
}
