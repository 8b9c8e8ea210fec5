using System.Text.Json;

namespace Expothesis.Fast.Storage.Assignment.Internal;

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

/// <summary>A value a condition is evaluated against: a JSON element, or a number computed by <c>$size</c>.</summary>
internal readonly struct JsOperand
{
    public readonly JsonElement Element;
    private readonly double _number;
    private readonly bool _synthetic;

    public JsOperand(JsonElement element)
    {
        Element = element;
        _number = 0;
        _synthetic = false;
    }

    private JsOperand(double number)
    {
        Element = default;
        _number = number;
        _synthetic = true;
    }

    public static JsOperand Null => default;

    public static JsOperand FromNumber(double number) => new(number);

    public JsKind Kind => _synthetic ? JsKind.Number : Element.ValueKind switch
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
}
