using Expothesis.Fast.Assignment.Internal;

namespace Expothesis.Fast.Assignment.Tests;

/// <summary>The JavaScript coercions the condition evaluator relies on.</summary>
public sealed class JsCoerceTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(-0.0, "0")]
    [InlineData(1, "1")]
    [InlineData(-42, "-42")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(123.456, "123.456")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.2345e25, "1.2345e+25")]
    [InlineData(-2.5e-10, "-2.5e-10")]
    [InlineData(9007199254740993.0, "9007199254740992")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Numbers_format_like_JavaScript(double value, string expected)
    {
        Assert.Equal(expected, JsCoerce.NumberToString(value));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData(" 42 ", 42)]
    [InlineData("\n\t7\u00a0", 7)]
    [InlineData("-3.5", -3.5)]
    [InlineData("+3", 3)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("1e3", 1000)]
    [InlineData("1E-2", 0.01)]
    [InlineData("0x1F", 31)]
    [InlineData("0b101", 5)]
    [InlineData("0o17", 15)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    public void Strings_convert_to_numbers_like_JavaScript(string text, double expected)
    {
        Assert.Equal(expected, JsCoerce.StringToNumber(text));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1a")]
    [InlineData(".")]
    [InlineData("1e")]
    [InlineData("-0x10")]
    [InlineData("0xZZ")]
    [InlineData("infinity")]
    [InlineData("1,000")]
    [InlineData("1_000")]
    [InlineData("NaN")]
    public void Non_numeric_strings_are_NaN(string text)
    {
        Assert.True(double.IsNaN(JsCoerce.StringToNumber(text)));
    }
}

public sealed class CoarseClockTests
{
    [Fact]
    public void Coarse_clock_stays_close_to_the_wall_clock()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long coarse = CoarseClock.UnixMs;
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(coarse, before - 1000, after + 1000);
    }
}

public sealed class JsonNumberReadingTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("-0", -0.0)]
    [InlineData("7", 7)]
    [InlineData("-123", -123)]
    [InlineData("999999999999999", 999999999999999)]
    [InlineData("9999999999999999", 9999999999999999)]
    [InlineData("12345678901234567890", 12345678901234567890.0)]
    [InlineData("1.5", 1.5)]
    [InlineData("-2e3", -2000)]
    [InlineData("1E2", 100)]
    [InlineData("1e400", double.PositiveInfinity)]
    [InlineData("-1e400", double.NegativeInfinity)]
    public void Json_numbers_read_as_doubles(string json, double expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(expected, JsCoerce.ReadNumber(document.RootElement));
    }
}
