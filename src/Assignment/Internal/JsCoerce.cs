using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Expothesis.Fast.Assignment.Internal;

/// <summary>
/// The JavaScript coercions GrowthBook's condition evaluator relies on (ToNumber, ToString, truthiness,
/// Number::toString), over JSON values. String values are decoded into caller scratch space, so the
/// common cases do not allocate.
/// </summary>
internal static class JsCoerce
{
    /// <summary>Chars of scratch space the matchers stackalloc (256 bytes).</summary>
    public const int ScratchChars = 128;

    public static double ReadNumber(JsonElement element)
    {
        // Fast path: short plain integers (most attribute values) without the general double parser.
        ReadOnlySpan<byte> text = JsonMarshal.GetRawUtf8Value(element);
        bool negative = text.Length > 0 && text[0] == (byte)'-';
        ReadOnlySpan<byte> digits = negative ? text[1..] : text;
        if (digits.Length is > 0 and <= 15)
        {
            long value = 0;
            int i = 0;
            for (; i < digits.Length; i++)
            {
                uint digit = (uint)(digits[i] - '0');
                if (digit > 9)
                {
                    break;
                }
                value = (value * 10) + digit;
            }
            if (i == digits.Length)
            {
                return negative ? (value == 0 ? -0.0 : -value) : value;
            }
        }
        if (element.TryGetDouble(out double d))
        {
            return d;
        }
        // Out of double range: JavaScript reads it as an infinity.
        return negative ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The characters of a JSON string, decoded into <paramref name="scratch"/> when they fit and need no unescaping.</summary>
    public static ReadOnlySpan<char> GetChars(JsonElement element, Span<char> scratch)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length >= 2 && raw[0] == (byte)'"')
        {
            raw = raw[1..^1];
        }
        if (raw.Length <= scratch.Length && raw.IndexOf((byte)'\\') < 0)
        {
            int n = Encoding.UTF8.GetChars(raw, scratch);
            return scratch[..n];
        }
        return element.GetString().AsSpan();
    }

    public static bool IsTruthy(in JsOperand value) => value.Kind switch
    {
        JsKind.Null or JsKind.False => false,
        JsKind.True or JsKind.Array or JsKind.Object => true,
        JsKind.Number => value.Number is double n && n != 0 && !double.IsNaN(n),
        _ => !value.IsEmptyString,
    };

    /// <summary>JavaScript ToNumber.</summary>
    public static double ToNumber(in JsOperand value)
    {
        switch (value.Kind)
        {
            case JsKind.Null:
            case JsKind.False:
                return 0;
            case JsKind.True:
                return 1;
            case JsKind.Number:
                return value.Number;
            case JsKind.String:
                Span<char> scratch = stackalloc char[ScratchChars];
                return StringToNumber(value.GetChars(scratch));
            case JsKind.Array:
                return StringToNumber(ToJsString(value));
            default:
                return double.NaN;
        }
    }

    /// <summary>
    /// JavaScript ToString, into <paramref name="scratch"/> for strings and small integers; allocates for
    /// other numbers, arrays and objects.
    /// </summary>
    public static ReadOnlySpan<char> ToJsChars(scoped in JsOperand value, Span<char> scratch)
    {
        switch (value.Kind)
        {
            case JsKind.String:
                return value.GetChars(scratch);
            case JsKind.Null:
                return "null";
            case JsKind.True:
                return "true";
            case JsKind.False:
                return "false";
            case JsKind.Number:
                double n = value.Number;
                if (n == Math.Floor(n) && Math.Abs(n) < 1e15 && ((long)n).TryFormat(scratch, out int written, default, CultureInfo.InvariantCulture))
                {
                    return scratch[..written];
                }
                return NumberToString(n);
            default:
                return ToJsString(value);
        }
    }

    /// <summary>JavaScript ToString (allocating).</summary>
    public static string ToJsString(in JsOperand value)
    {
        switch (value.Kind)
        {
            case JsKind.Null:
                return "null";
            case JsKind.True:
                return "true";
            case JsKind.False:
                return "false";
            case JsKind.Number:
                return NumberToString(value.Number);
            case JsKind.String:
                return value.GetString();
            case JsKind.Array:
                var sb = new StringBuilder();
                bool first = true;
                foreach (JsonElement item in value.Element.EnumerateArray())
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    if (item.ValueKind is not JsonValueKind.Null)
                    {
                        sb.Append(ToJsString(new JsOperand(item)));
                    }
                }
                return sb.ToString();
            default:
                return "[object Object]";
        }
    }

    /// <summary>JavaScript StringToNumber: trims white space, "" is 0, hex/octal/binary prefixes, else a decimal literal or NaN.</summary>
    public static double StringToNumber(ReadOnlySpan<char> s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsJsWhiteSpace(s[start]))
        {
            start++;
        }
        while (end > start && IsJsWhiteSpace(s[end - 1]))
        {
            end--;
        }
        s = s[start..end];
        if (s.IsEmpty)
        {
            return 0;
        }
        if (s.Length > 2 && s[0] == '0')
        {
            int radix = s[1] switch { 'x' or 'X' => 16, 'o' or 'O' => 8, 'b' or 'B' => 2, _ => 0 };
            if (radix != 0)
            {
                return ParseRadix(s[2..], radix);
            }
        }
        ReadOnlySpan<char> unsigned = s[0] is '+' or '-' ? s[1..] : s;
        if (unsigned.SequenceEqual("Infinity"))
        {
            return s[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }
        if (!IsDecimalLiteral(unsigned))
        {
            return double.NaN;
        }
        return double.Parse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
    }

    /// <summary>JavaScript Number::toString (shortest round-trip digits, exponent outside 1e-7..1e21).</summary>
    public static string NumberToString(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0)
        {
            return "0";
        }
        if (d == Math.Floor(d) && Math.Abs(d) < 9e18)
        {
            return ((long)d).ToString(CultureInfo.InvariantCulture);
        }
        string r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        int e = 0;
        int ePos = r.IndexOfAny('E', 'e');
        string mantissa = r;
        if (ePos >= 0)
        {
            e = int.Parse(r.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..ePos];
        }
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        string digits = intPart + (dot >= 0 ? mantissa[(dot + 1)..] : string.Empty);
        int n = intPart.Length + e;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..];
        n -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }
        int k = digits.Length;
        string body;
        if (k <= n && n <= 21)
        {
            body = digits + new string('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            body = digits[..n] + "." + digits[n..];
        }
        else if (-6 < n && n <= 0)
        {
            body = "0." + new string('0', -n) + digits;
        }
        else
        {
            int exp = n - 1;
            body = digits[..1] + (k > 1 ? "." + digits[1..] : string.Empty) + "e" + (exp < 0 ? "-" : "+") +
                Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
        }
        return d < 0 ? "-" + body : body;
    }

    private static bool IsJsWhiteSpace(char c) => char.IsWhiteSpace(c) || c == '\uFEFF';

    private static double ParseRadix(ReadOnlySpan<char> digits, int radix)
    {
        double value = 0;
        foreach (char c in digits)
        {
            int v = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (v >= radix)
            {
                return double.NaN;
            }
            value = (value * radix) + v;
        }
        return value;
    }

    // StrUnsignedDecimalLiteral: digits [. digits] | . digits, then an optional exponent.
    private static bool IsDecimalLiteral(ReadOnlySpan<char> s)
    {
        int i = 0, intDigits = 0, fracDigits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            intDigits++;
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0)
        {
            return false;
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }
            int expDigits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                expDigits++;
            }
            if (expDigits == 0)
            {
                return false;
            }
        }
        return i == s.Length;
    }
}
