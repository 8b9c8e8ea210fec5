using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Assignment.Tests;

public sealed class BucketHashTests
{
    [Theory]
    [InlineData("seed", "a", 2, 0.0505)]
    [InlineData("foo", "ab", 2, 0.2575)]
    [InlineData("", "a", 1, 0.22)]
    [InlineData("", "b", 1, 0.077)]
    [InlineData("b", "a", 1, 0.946)]
    [InlineData("ef", "d", 1, 0.652)]
    [InlineData("asdf", "8952klfjas09ujk", 1, 0.549)]
    [InlineData("", "123", 1, 0.011)]
    [InlineData("", "___)((*\":&", 1, 0.563)]
    [InlineData("seed", "b", 2, 0.2696)]
    [InlineData("foo", "def", 2, 0.2019)]
    [InlineData("89123klj", "8952klfjas09ujkasdf", 2, 0.124)]
    [InlineData("90850943850283058242805", "123", 2, 0.7516)]
    [InlineData("()**(%$##$%#$#", "___)((*\":&", 2, 0.0128)]
    [InlineData("feature", "123", 1, 0.863)]
    [InlineData("feature", "456", 1, 0.178)]
    [InlineData("feature", "fds", 1, 0.514)]
    [InlineData("feature", "123", 2, 0.5231)]
    public void Hash_matches_the_GrowthBook_check_values(string seed, string value, int version, double expected)
    {
        Assert.Equal(expected, BucketHash.Compute(seed, value, version));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(99)]
    public void Unknown_hash_version_has_no_bucket(int version)
    {
        Assert.Null(BucketHash.Compute("abc", "def", version));
    }

    [Fact]
    public void Fnv1a32_hashes_utf16_code_units()
    {
        Assert.Equal(0x811c9dc5u, BucketHash.Fnv1a32(""));
        Assert.Equal(0xe40c292cu, BucketHash.Fnv1a32("a"));
        // A non-ASCII code unit is hashed as one 16-bit value, not as UTF-8 bytes.
        uint expected = unchecked((0x811c9dc5u ^ 0x00e9u) * 0x01000193u);
        Assert.Equal(expected, BucketHash.Fnv1a32("\u00e9"));
    }

    [Fact]
    public void Version_2_equals_the_hash_of_the_decimal_string_of_the_inner_hash()
    {
        uint inner = BucketHash.Fnv1a32("seed" + "user-42");
        uint outer = BucketHash.Fnv1a32(inner.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((outer % 10000) / 10000.0, BucketHash.V2("seed", "user-42"));
    }
}
