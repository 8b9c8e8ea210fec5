using System.Text;
using System.Text.Json;

namespace Expothesis.Fast.Assignment.Internal;

/// <summary>A condition operand reduced to what JavaScript's operators see: its kind, ToPrimitive string and ToNumber.</summary>
internal sealed class JsPrimitive
{
    private readonly byte[]? _utf8;

    private JsPrimitive(JsKind kind, string? str, double number)
    {
        Kind = kind;
        String = str;
        Number = number;
        _utf8 = str is null ? null : Encoding.UTF8.GetBytes(str);
    }

    public JsKind Kind { get; }

    /// <summary>The primitive string (strings, arrays, objects), else null.</summary>
    public string? String { get; }

    public bool IsString => String is not null;

    /// <summary>JavaScript ToNumber of the operand.</summary>
    public double Number { get; }

    public static JsPrimitive From(JsonElement element)
    {
        var operand = new JsOperand(element);
        JsKind kind = operand.Kind;
        string? str = kind is JsKind.String or JsKind.Array or JsKind.Object ? JsCoerce.ToJsString(operand) : null;
        double number = str is not null ? JsCoerce.StringToNumber(str) : JsCoerce.ToNumber(operand);
        if (kind == JsKind.Object)
        {
            number = double.NaN;
        }
        return new JsPrimitive(kind, str, number);
    }

    /// <summary>JavaScript <c>===</c> against a value under test (arrays and objects are never identical).</summary>
    public bool StrictEquals(in JsOperand value)
    {
        JsKind kind = value.Kind;
        return Kind switch
        {
            JsKind.Null or JsKind.True or JsKind.False => kind == Kind,
            JsKind.Number => kind == JsKind.Number && value.Number == Number,
            JsKind.String => kind == JsKind.String && value.StringEquals(String!, _utf8!),
            _ => false,
        };
    }
}

/// <summary>The primitive members of a <c>$in</c> list (array and object members never match, as with <c>Array.includes</c>).</summary>
internal sealed class JsValueSet
{
    private const int LinearLimit = 4;

    private readonly string[] _strings;
    private readonly byte[][] _utf8Strings;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _stringLookup;
    private readonly double[] _numbers;
    private readonly bool _hasNull;
    private readonly bool _hasTrue;
    private readonly bool _hasFalse;
    private readonly bool _insensitive;

    public JsValueSet(JsonElement array, bool insensitive)
    {
        _insensitive = insensitive;
        var strings = new List<string>();
        var numbers = new List<double>();
        foreach (JsonElement item in array.EnumerateArray())
        {
            switch (item.ValueKind)
            {
                case JsonValueKind.String:
                    string s = item.GetString()!;
                    strings.Add(insensitive ? s.ToLowerInvariant() : s);
                    break;
                case JsonValueKind.Number:
                    numbers.Add(JsCoerce.ReadNumber(item));
                    break;
                case JsonValueKind.Null:
                    _hasNull = true;
                    break;
                case JsonValueKind.True:
                    _hasTrue = true;
                    break;
                case JsonValueKind.False:
                    _hasFalse = true;
                    break;
                default:
                    break;
            }
        }
        _strings = [.. strings];
        _utf8Strings = Array.ConvertAll(_strings, Encoding.UTF8.GetBytes);
        _numbers = [.. numbers];
        if (!insensitive && _strings.Length > LinearLimit)
        {
            _stringLookup = new HashSet<string>(_strings, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    public bool Contains(in JsOperand value, Span<char> scratch)
    {
        switch (value.Kind)
        {
            case JsKind.String:
                if (_insensitive)
                {
                    ReadOnlySpan<char> chars = value.GetChars(scratch);
                    foreach (string s in _strings)
                    {
                        if (Ordinal.EqualsLowered(chars, s))
                        {
                            return true;
                        }
                    }
                    return false;
                }
                if (_stringLookup is { } lookup)
                {
                    return lookup.Contains(value.GetChars(scratch));
                }
                for (int i = 0; i < _strings.Length; i++)
                {
                    if (value.StringEquals(_strings[i], _utf8Strings[i]))
                    {
                        return true;
                    }
                }
                return false;
            case JsKind.Number:
                double n = value.Number;
                foreach (double candidate in _numbers)
                {
                    if (candidate == n)
                    {
                        return true;
                    }
                }
                return false;
            case JsKind.Null:
                return _hasNull;
            case JsKind.True:
                return _hasTrue;
            case JsKind.False:
                return _hasFalse;
            default:
                return false;
        }
    }
}

/// <summary>A condition value compiled for <c>JSON.stringify</c> equality with a value under test.</summary>
internal abstract class JsStructure
{
    public abstract bool EqualTo(in JsOperand value);

    public static JsStructure From(JsonElement element, int depth = 0)
    {
        if (depth > ConditionCompiler.MaxDepth)
        {
            return Never.Instance;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                var items = new List<JsStructure>();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    items.Add(From(item, depth + 1));
                }
                return new ArrayStructure([.. items]);
            case JsonValueKind.Object:
                var names = new List<string>();
                var values = new List<JsStructure>();
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    names.Add(property.Name);
                    values.Add(From(property.Value, depth + 1));
                }
                return new ObjectStructure([.. names], [.. values]);
            case JsonValueKind.String:
                return new StringStructure(element.GetString()!);
            case JsonValueKind.Number:
                return new NumberStructure(JsCoerce.ReadNumber(element));
            case JsonValueKind.True:
                return new KindStructure(JsKind.True);
            case JsonValueKind.False:
                return new KindStructure(JsKind.False);
            default:
                return new KindStructure(JsKind.Null);
        }
    }

    private sealed class Never : JsStructure
    {
        public static readonly Never Instance = new();

        public override bool EqualTo(in JsOperand value) => false;
    }

    private sealed class KindStructure(JsKind kind) : JsStructure
    {
        public override bool EqualTo(in JsOperand value) => value.Kind == kind;
    }

    private sealed class NumberStructure(double number) : JsStructure
    {
        public override bool EqualTo(in JsOperand value) => value.Kind == JsKind.Number && value.Number == number;
    }

    private sealed class StringStructure(string text) : JsStructure
    {
        private readonly byte[] _utf8 = Encoding.UTF8.GetBytes(text);

        public override bool EqualTo(in JsOperand value) => value.Kind == JsKind.String && value.StringEquals(text, _utf8);
    }

    private sealed class ArrayStructure(JsStructure[] items) : JsStructure
    {
        public override bool EqualTo(in JsOperand value)
        {
            if (value.Kind != JsKind.Array || value.Element.GetArrayLength() != items.Length)
            {
                return false;
            }
            int i = 0;
            foreach (JsonElement element in value.Element.EnumerateArray())
            {
                if (!items[i++].EqualTo(new JsOperand(element)))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private sealed class ObjectStructure(string[] names, JsStructure[] values) : JsStructure
    {
        public override bool EqualTo(in JsOperand value)
        {
            if (value.Kind != JsKind.Object)
            {
                return false;
            }
            int i = 0;
            foreach (JsonProperty property in value.Element.EnumerateObject())
            {
                if (i >= names.Length || !property.NameEquals(names[i]) || !values[i].EqualTo(new JsOperand(property.Value)))
                {
                    return false;
                }
                i++;
            }
            return i == names.Length;
        }
    }
}
