using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Expothesis.Fast.Assignment.Internal;

/// <summary>A compiled condition on one value (GrowthBook's evalConditionValue / evalOperatorCondition).</summary>
internal abstract class ValueMatcher
{
    public abstract bool Matches(in JsOperand value);
}

/// <summary>Always the same answer: unknown operators and malformed operands are false.</summary>
internal sealed class ConstantMatcher(bool value) : ValueMatcher
{
    public static readonly ConstantMatcher False = new(false);

    public override bool Matches(in JsOperand value1) => value;
}

/// <summary>Every operator of an operator object must hold.</summary>
internal sealed class AllOfMatcher(ValueMatcher[] items) : ValueMatcher
{
    public override bool Matches(in JsOperand value)
    {
        foreach (ValueMatcher item in items)
        {
            if (!item.Matches(value))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>Implicit string equality: <c>value + "" === condition</c> (optionally case-insensitive).</summary>
internal sealed class StringEqualsMatcher : ValueMatcher
{
    private readonly string _expected;
    private readonly byte[] _expectedUtf8;
    private readonly double _asNumber;
    private readonly bool _insensitive;

    public StringEqualsMatcher(string expected, bool insensitive)
    {
        _insensitive = insensitive;
        _expected = insensitive ? expected.ToLowerInvariant() : expected;
        _expectedUtf8 = System.Text.Encoding.UTF8.GetBytes(_expected);
        // A number equals the string only when the string is that number's canonical JavaScript form.
        double n = JsCoerce.StringToNumber(_expected);
        _asNumber = double.IsFinite(n) && JsCoerce.NumberToString(n) == _expected ? n : double.NaN;
    }

    [SkipLocalsInit]
    public override bool Matches(in JsOperand value)
    {
        switch (value.Kind)
        {
            case JsKind.String when !_insensitive:
                return value.StringEquals(_expected, _expectedUtf8);
            case JsKind.Number:
                return value.Number == _asNumber;
            case JsKind.Null:
                return _expected == "null";
            case JsKind.True:
                return _expected == "true";
            case JsKind.False:
                return _expected == "false";
            default:
                Span<char> scratch = stackalloc char[JsCoerce.ScratchChars];
                ReadOnlySpan<char> chars = JsCoerce.ToJsChars(value, scratch);
                return _insensitive ? Ordinal.EqualsLowered(chars, _expected) : chars.SequenceEqual(_expected);
        }
    }
}

/// <summary>Implicit number equality: <c>value * 1 === condition</c>.</summary>
internal sealed class NumberEqualsMatcher(double expected) : ValueMatcher
{
    public override bool Matches(in JsOperand value) =>
        value.Kind == JsKind.Number ? value.Number == expected : JsCoerce.ToNumber(value) == expected;
}

/// <summary>Implicit boolean equality: <c>value !== null &amp;&amp; !!value === condition</c>.</summary>
internal sealed class BoolEqualsMatcher(bool expected) : ValueMatcher
{
    public override bool Matches(in JsOperand value) => value.Kind != JsKind.Null && JsCoerce.IsTruthy(value) == expected;
}

/// <summary>Implicit null: the value is null or missing.</summary>
internal sealed class IsNullMatcher : ValueMatcher
{
    public static readonly IsNullMatcher Instance = new();

    public override bool Matches(in JsOperand value) => value.Kind == JsKind.Null;
}

/// <summary>Implicit equality with an array or a plain object: <c>JSON.stringify</c> equality (order-sensitive, exact).</summary>
internal sealed class StructuralEqualsMatcher(JsStructure expected) : ValueMatcher
{
    public override bool Matches(in JsOperand value) => expected.EqualTo(value);
}

/// <summary><c>$eq</c> / <c>$ne</c>: JavaScript strict equality (arrays and objects never equal).</summary>
internal sealed class StrictEqualsMatcher(JsPrimitive expected, bool negate) : ValueMatcher
{
    public override bool Matches(in JsOperand value) => expected.StrictEquals(value) != negate;
}

/// <summary>Relational operators with JavaScript semantics: two strings compare by code unit, else as numbers.</summary>
internal sealed class RelationalMatcher(JsPrimitive expected, RelationalOperator op) : ValueMatcher
{
    [SkipLocalsInit]
    public override bool Matches(in JsOperand value)
    {
        JsKind kind = value.Kind;
        if (expected.IsString && kind is JsKind.String or JsKind.Array or JsKind.Object)
        {
            Span<char> scratch = stackalloc char[JsCoerce.ScratchChars];
            int c = JsCoerce.ToJsChars(value, scratch).SequenceCompareTo(expected.String);
            return Holds(c);
        }
        double left = kind == JsKind.Number ? value.Number : JsCoerce.ToNumber(value);
        double right = expected.Number;
        if (double.IsNaN(left) || double.IsNaN(right))
        {
            return false;
        }
        return Holds(left.CompareTo(right));
    }

    private bool Holds(int c) => op switch
    {
        RelationalOperator.Lt => c < 0,
        RelationalOperator.Lte => c <= 0,
        RelationalOperator.Gt => c > 0,
        _ => c >= 0,
    };
}

internal enum RelationalOperator : byte
{
    Lt,
    Lte,
    Gt,
    Gte,
}

/// <summary><c>$exists</c>: <c>expected ? value != null : value == null</c>.</summary>
internal sealed class ExistsMatcher(bool expected) : ValueMatcher
{
    public override bool Matches(in JsOperand value) => (value.Kind != JsKind.Null) == expected;
}

/// <summary><c>$in</c> / <c>$nin</c> (and the case-insensitive <c>$ini</c> / <c>$nini</c>): an array attribute matches when any element is in the list.</summary>
internal sealed class InMatcher(JsValueSet set, bool negate) : ValueMatcher
{
    [SkipLocalsInit]
    public override bool Matches(in JsOperand value)
    {
        Span<char> scratch = stackalloc char[JsCoerce.ScratchChars];
        bool found = false;
        if (value.Kind == JsKind.Array)
        {
            foreach (JsonElement item in value.Element.EnumerateArray())
            {
                if (set.Contains(new JsOperand(item), scratch))
                {
                    found = true;
                    break;
                }
            }
        }
        else
        {
            found = set.Contains(value, scratch);
        }
        return found != negate;
    }
}

/// <summary>Operator-level <c>$not</c>.</summary>
internal sealed class NotMatcher(ValueMatcher inner) : ValueMatcher
{
    public override bool Matches(in JsOperand value) => !inner.Matches(value);
}

/// <summary><c>$size</c>: the array's length matches the nested condition.</summary>
internal sealed class SizeMatcher(ValueMatcher inner) : ValueMatcher
{
    public override bool Matches(in JsOperand value) =>
        value.Kind == JsKind.Array && inner.Matches(JsOperand.FromNumber(value.Element.GetArrayLength()));
}

/// <summary><c>$elemMatch</c>: some truthy element matches an operator condition or, for a plain object, a nested condition.</summary>
internal sealed class ElemMatchMatcher(ValueMatcher? valueCondition, ConditionNode? objectCondition) : ValueMatcher
{
    public override bool Matches(in JsOperand value)
    {
        if (value.Kind != JsKind.Array)
        {
            return false;
        }
        foreach (JsonElement item in value.Element.EnumerateArray())
        {
            var element = new JsOperand(item);
            if (!JsCoerce.IsTruthy(element))
            {
                continue;
            }
            if (valueCondition is not null ? valueCondition.Matches(element) : objectCondition!.Evaluate(item, null))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary><c>$all</c> / <c>$alli</c>: every listed condition matches some element of the array attribute.</summary>
internal sealed class AllMatcher(ValueMatcher[] items) : ValueMatcher
{
    public override bool Matches(in JsOperand value)
    {
        if (value.Kind != JsKind.Array)
        {
            return false;
        }
        foreach (ValueMatcher item in items)
        {
            bool passed = false;
            foreach (JsonElement element in value.Element.EnumerateArray())
            {
                if (item.Matches(new JsOperand(element)))
                {
                    passed = true;
                    break;
                }
            }
            if (!passed)
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary><c>$regex</c> / <c>$regexi</c>: the value's string form matches (a timed-out match is false).</summary>
internal sealed class RegexMatcher(Regex regex) : ValueMatcher
{
    [SkipLocalsInit]
    public override bool Matches(in JsOperand value)
    {
        Span<char> scratch = stackalloc char[JsCoerce.ScratchChars];
        try
        {
            return regex.IsMatch(JsCoerce.ToJsChars(value, scratch));
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}

/// <summary><c>$type</c>: GrowthBook's getType (null, array, string, number, boolean, object).</summary>
internal sealed class TypeMatcher(JsKindSet kinds) : ValueMatcher
{
    public override bool Matches(in JsOperand value) => kinds.Contains(value.Kind);
}

/// <summary>The kinds one <c>$type</c> name covers (boolean covers true and false).</summary>
internal readonly struct JsKindSet(int mask)
{
    public static JsKindSet ForTypeName(string name) => new(name switch
    {
        "null" => 1 << (int)JsKind.Null,
        "boolean" => (1 << (int)JsKind.True) | (1 << (int)JsKind.False),
        "number" => 1 << (int)JsKind.Number,
        "string" => 1 << (int)JsKind.String,
        "array" => 1 << (int)JsKind.Array,
        "object" => 1 << (int)JsKind.Object,
        _ => 0,
    });

    public bool Contains(JsKind kind) => (mask & (1 << (int)kind)) != 0;
}

/// <summary>Version comparisons on GrowthBook's padded version strings.</summary>
internal sealed class VersionMatcher(string expectedPadded, VersionOperator op) : ValueMatcher
{
    [SkipLocalsInit]
    public override bool Matches(in JsOperand value)
    {
        Span<char> scratch = stackalloc char[JsCoerce.ScratchChars];
        ReadOnlySpan<char> input = PaddedVersion.Input(value, scratch);
        int max = PaddedVersion.MaxLength(input.Length);
        Span<char> padded = max <= JsCoerce.ScratchChars ? stackalloc char[JsCoerce.ScratchChars] : new char[max];
        int n = PaddedVersion.Write(input, padded);
        int c = padded[..n].SequenceCompareTo(expectedPadded);
        return op switch
        {
            VersionOperator.Eq => c == 0,
            VersionOperator.Ne => c != 0,
            VersionOperator.Gt => c > 0,
            VersionOperator.Gte => c >= 0,
            VersionOperator.Lt => c < 0,
            _ => c <= 0,
        };
    }
}

internal enum VersionOperator : byte
{
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
}

/// <summary>Ordinal helpers for the case-insensitive operators (JavaScript toLowerCase, approximated by invariant lower-casing).</summary>
internal static class Ordinal
{
    /// <summary>True when <paramref name="chars"/> lower-cased equals the already lower-cased <paramref name="lowered"/>.</summary>
    public static bool EqualsLowered(ReadOnlySpan<char> chars, string lowered)
    {
        if (chars.Length != lowered.Length)
        {
            return false;
        }
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.ToLowerInvariant(chars[i]) != lowered[i])
            {
                return false;
            }
        }
        return true;
    }
}
