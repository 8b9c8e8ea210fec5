namespace Expothesis.Fast.Assignment.Internal;

/// <summary>
/// GrowthBook's paddedVersionString: drop a leading <c>v</c> and any <c>+build</c>, split on <c>-</c> and
/// <c>.</c>, append <c>~</c> to a plain three-part version (so a release sorts after its pre-releases),
/// left-pad numeric parts with spaces to 5, join with <c>-</c>. Ordinal comparison of the results orders
/// versions.
/// </summary>
internal static class PaddedVersion
{
    /// <summary>The largest output for an input of <paramref name="length"/> chars.</summary>
    public static int MaxLength(int length) => (5 * length) + 8;

    /// <summary>The padded form of a JavaScript input value (numbers are stringified; other non-strings and "" are "0").</summary>
    public static string Of(in JsOperand value)
    {
        Span<char> scratch = stackalloc char[JsCoerce.ScratchChars];
        ReadOnlySpan<char> input = Input(value, scratch);
        char[] buffer = new char[MaxLength(input.Length)];
        int n = Write(input, buffer);
        return new string(buffer, 0, n);
    }

    /// <summary>The version input of <paramref name="value"/> as GrowthBook sees it.</summary>
    public static ReadOnlySpan<char> Input(scoped in JsOperand value, Span<char> scratch)
    {
        ReadOnlySpan<char> input = value.Kind switch
        {
            JsKind.String => value.GetChars(scratch),
            JsKind.Number => JsCoerce.ToJsChars(value, scratch),
            _ => default,
        };
        return input.IsEmpty ? "0" : input;
    }

    /// <summary>Writes the padded form; returns its length, or -1 when <paramref name="destination"/> is too small.</summary>
    public static int Write(ReadOnlySpan<char> input, Span<char> destination)
    {
        if (!input.IsEmpty && input[0] == 'v')
        {
            input = input[1..];
        }
        int plus = input.IndexOf('+');
        if (plus >= 0)
        {
            input = input[..plus];
        }
        int parts = 1;
        foreach (char c in input)
        {
            if (c is '-' or '.')
            {
                parts++;
            }
        }
        int written = 0;
        int start = 0;
        bool first = true;
        for (int i = 0; i <= input.Length; i++)
        {
            if (i < input.Length && input[i] is not ('-' or '.'))
            {
                continue;
            }
            ReadOnlySpan<char> part = input[start..i];
            start = i + 1;
            if (!first && !Append(destination, ref written, '-'))
            {
                return -1;
            }
            first = false;
            if (IsNumeric(part))
            {
                for (int pad = part.Length; pad < 5; pad++)
                {
                    if (!Append(destination, ref written, ' '))
                    {
                        return -1;
                    }
                }
            }
            if (!part.TryCopyTo(destination[written..]))
            {
                return -1;
            }
            written += part.Length;
        }
        if (parts == 3)
        {
            if (destination.Length - written < 2)
            {
                return -1;
            }
            destination[written++] = '-';
            destination[written++] = '~';
        }
        return written;
    }

    private static bool Append(Span<char> destination, ref int written, char c)
    {
        if (written >= destination.Length)
        {
            return false;
        }
        destination[written++] = c;
        return true;
    }

    private static bool IsNumeric(ReadOnlySpan<char> part)
    {
        if (part.IsEmpty)
        {
            return false;
        }
        foreach (char c in part)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
