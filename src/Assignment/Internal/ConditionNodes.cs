using System.Text.Json;

namespace Expothesis.Fast.Assignment.Internal;

/// <summary>A compiled condition object, evaluated against an attributes object (GrowthBook's evalCondition).</summary>
internal abstract class ConditionNode
{
    /// <param name="obj">The attributes (or an array element under <c>$elemMatch</c>).</param>
    /// <param name="defaultId">The value of <c>id</c> when <paramref name="obj"/> has none (the request's user id), or null.</param>
    public abstract bool Evaluate(JsonElement obj, string? defaultId);
}

/// <summary>Every clause of a condition object must hold.</summary>
internal sealed class AllClausesNode(ConditionNode[] clauses) : ConditionNode
{
    public override bool Evaluate(JsonElement obj, string? defaultId)
    {
        foreach (ConditionNode clause in clauses)
        {
            if (!clause.Evaluate(obj, defaultId))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary><c>$or</c> (an empty list holds) and, negated, <c>$nor</c>.</summary>
internal sealed class OrNode(ConditionNode[] items, bool negate) : ConditionNode
{
    public override bool Evaluate(JsonElement obj, string? defaultId)
    {
        if (items.Length == 0)
        {
            return !negate;
        }
        foreach (ConditionNode item in items)
        {
            if (item.Evaluate(obj, defaultId))
            {
                return !negate;
            }
        }
        return negate;
    }
}

/// <summary><c>$and</c>.</summary>
internal sealed class AndNode(ConditionNode[] items) : ConditionNode
{
    public override bool Evaluate(JsonElement obj, string? defaultId)
    {
        foreach (ConditionNode item in items)
        {
            if (!item.Evaluate(obj, defaultId))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>Top-level <c>$not</c>.</summary>
internal sealed class NotNode(ConditionNode inner) : ConditionNode
{
    public override bool Evaluate(JsonElement obj, string? defaultId) => !inner.Evaluate(obj, defaultId);
}

/// <summary>A constant: an empty condition (true) or a malformed one (false).</summary>
internal sealed class ConstantNode(bool value) : ConditionNode
{
    public static readonly ConstantNode True = new(true);
    public static readonly ConstantNode False = new(false);

    public override bool Evaluate(JsonElement obj, string? defaultId) => value;
}

/// <summary>A dotted field path and the condition on its value (GrowthBook's getPath + evalConditionValue).</summary>
internal sealed class PathNode(string[] segments, int[] indexes, ValueMatcher matcher) : ConditionNode
{
    private readonly byte[][] _utf8Segments = Array.ConvertAll(segments, System.Text.Encoding.UTF8.GetBytes);

    public override bool Evaluate(JsonElement obj, string? defaultId) => matcher.Matches(Resolve(obj, defaultId));

    private readonly bool _isId = segments is ["id"];

    private JsOperand Resolve(JsonElement current, string? defaultId)
    {
        if (_isId && defaultId is not null)
        {
            return current.ValueKind == JsonValueKind.Object && current.TryGetProperty(_utf8Segments[0], out JsonElement id) &&
                id.ValueKind != JsonValueKind.Null
                ? new JsOperand(id)
                : JsOperand.FromString(defaultId);
        }
        for (int i = 0; i < _utf8Segments.Length; i++)
        {
            JsonValueKind kind = current.ValueKind;
            if (kind == JsonValueKind.Object)
            {
                if (!current.TryGetProperty(_utf8Segments[i], out current))
                {
                    return JsOperand.Null;
                }
            }
            else if (kind == JsonValueKind.Array && indexes[i] >= 0 && indexes[i] < current.GetArrayLength())
            {
                current = current[indexes[i]];
            }
            else
            {
                return JsOperand.Null;
            }
        }
        return new JsOperand(current);
    }
}
