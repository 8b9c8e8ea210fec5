using System.Text.Json;
using Expothesis.Fast.Assignment.Internal;

namespace Expothesis.Fast.Assignment;

/// <summary>
/// A targeting condition in the MongoDB-style language GrowthBook's SDKs evaluate (API.md "Condition
/// language"), compiled once into a tree of evaluators. Evaluation follows GrowthBook's JavaScript semantics,
/// coercions included; an unknown operator or an invalid regular expression makes the condition false.
/// </summary>
public sealed class TargetingCondition
{
    private readonly ConditionNode _root;

    private TargetingCondition(ConditionNode root) => _root = root;

    /// <summary>The empty condition: everyone matches.</summary>
    public static TargetingCondition Always { get; } = new(ConstantNode.True);

    /// <summary>Compiles <paramref name="condition"/>, which must be a JSON object.</summary>
    public static bool TryCompile(JsonElement condition, out TargetingCondition? compiled, out string? error)
    {
        if (condition.ValueKind != JsonValueKind.Object)
        {
            compiled = null;
            error = "must be a JSON object";
            return false;
        }
        compiled = new TargetingCondition(ConditionCompiler.CompileCondition(condition));
        error = null;
        return true;
    }

    /// <summary>Compiles <paramref name="conditionJson"/> (a JSON object); throws on invalid JSON or a non-object.</summary>
    public static TargetingCondition Parse(string conditionJson)
    {
        using JsonDocument document = JsonDocument.Parse(conditionJson);
        if (!TryCompile(document.RootElement, out TargetingCondition? compiled, out string? error))
        {
            throw new ArgumentException("The condition " + error + ".", nameof(conditionJson));
        }
        return compiled!;
    }

    /// <summary>
    /// True when <paramref name="attributes"/> match; attributes that are not an object (or <c>default</c>) act as
    /// <c>{}</c>. A missing or null <c>id</c> attribute reads as <paramref name="userId"/> when one is given.
    /// </summary>
    public bool Evaluate(JsonElement attributes, string? userId = null) => _root.Evaluate(attributes, userId);
}
