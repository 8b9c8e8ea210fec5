using System.Globalization;
using System.Text;
using Expothesis.Fast.Gateway.Ingest.Internal;

namespace Expothesis.Fast.Gateway.Tests.Ingest;

public sealed class Rfc3339Tests
{
    [Fact]
    public void Random_instants_round_trip_against_the_framework_parser()
    {
        var random = new Random(1234);
        for (int i = 0; i < 5000; i++)
        {
            long ms = random.NextInt64(Rfc3339.MinEpochMs + 86_400_000, Rfc3339.MaxEpochMs - 86_400_000);
            var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1));
            var dto = DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(offset);
            string text = dto.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
            Assert.True(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out long parsed), text);
            Assert.Equal(ms, parsed);
        }
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z", Rfc3339.MinEpochMs)]
    [InlineData("9999-12-31T23:59:59.999Z", Rfc3339.MaxEpochMs)]
    [InlineData("2000-02-29T00:00:00Z", 951_782_400_000L)]
    public void Boundaries_and_leap_days_parse(string text, long expected)
    {
        Assert.True(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out long ms));
        Assert.Equal(expected, ms);
    }

    [Theory]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("1900-02-29T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-11-22T10:60:00Z")]
    [InlineData("2026-11-22T10:00:00+01")]
    [InlineData("2026-11-22T10:00:00+01:0")]
    [InlineData("2026-11-22X10:00:00Z")]
    public void Invalid_timestamps_do_not_parse(string text) => Assert.False(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out _));
}
