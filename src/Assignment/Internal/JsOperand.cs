using System.Text.Json;

namespace Expothesis.Fast.Assignment.Internal;

/// <summary>JavaScript-level type of a value under test (a missing attribute is <see cref="Null"/>, as in GrowthBook's getPath).</summary>
internal enum JsKind : byte
{
    Null,
    False,
    True,
    Number,
    String,
    Array,
    Object,
}

/// <summary>
/// A value a condition is evaluated against: a JSON element, a number computed by <c>$size</c>, or a string
/// supplied from outside the attributes (the user id standing in for a missing <c>id</c>).
/// </summary>
internal readonly struct JsOperand
{
    public readonly JsonElement Element;
    private readonly string? _text;
    private readonly double _number;
    private readonly bool _synthetic;

    public JsOperand(JsonElement element)
    {
        Element = element;
        _text = null;
        _number = 0;
        _synthetic = false;
    }

    private JsOperand(double number, string? text)
    {
        Element = default;
        _text = text;
        _number = number;
        _synthetic = true;
    }

    public static JsOperand Null => default;

    public static JsOperand FromNumber(double number) => new(number, null);

    public static JsOperand FromString(string text) => new(0, text);

    public JsKind Kind => _synthetic ? (_text is null ? JsKind.Number : JsKind.String) : Element.ValueKind switch
    {
        JsonValueKind.String => JsKind.String,
        JsonValueKind.Number => JsKind.Number,
        JsonValueKind.True => JsKind.True,
        JsonValueKind.False => JsKind.False,
        JsonValueKind.Array => JsKind.Array,
        JsonValueKind.Object => JsKind.Object,
        _ => JsKind.Null,
    };

    /// <summary>The numeric value; only for <see cref="JsKind.Number"/>.</summary>
    public double Number => _synthetic ? _number : JsCoerce.ReadNumber(Element);

    /// <summary>The characters of a string value (decoded into <paramref name="scratch"/> when possible); only for <see cref="JsKind.String"/>.</summary>
    public ReadOnlySpan<char> GetChars(Span<char> scratch) => _text is not null ? _text : JsCoerce.GetChars(Element, scratch);

    /// <summary>The string value (allocating); only for <see cref="JsKind.String"/>.</summary>
    public string GetString() => _text ?? Element.GetString() ?? string.Empty;

    /// <summary>True when the string value equals <paramref name="text"/> (given also as UTF-8); only for <see cref="JsKind.String"/>.</summary>
    public bool StringEquals(string text, byte[] utf8) => _text is not null ? _text == text : Element.ValueEquals(utf8);

    /// <summary>True for an empty string value; only for <see cref="JsKind.String"/>.</summary>
    public bool IsEmptyString => _text is not null ? _text.Length == 0 : Element.ValueEquals(ReadOnlySpan<byte>.Empty);
}
