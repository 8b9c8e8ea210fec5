using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Expothesis.Fast.Assignment.Internal;

/// <summary>
/// Compiles a GrowthBook-style condition (a JSON object) into a tree of evaluators, once. Unknown operators,
/// invalid regular expressions and malformed operands compile to matchers that are false, never to errors.
/// </summary>
internal static class ConditionCompiler
{
    /// <summary>Nesting beyond this depth compiles to false.</summary>
    public const int MaxDepth = 64;

    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(100);

    public static ConditionNode CompileCondition(JsonElement condition, int depth = 0)
    {
        if (condition.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            return ConstantNode.False;
        }
        var clauses = new List<ConditionNode>();
        foreach (JsonProperty property in condition.EnumerateObject())
        {
            JsonElement value = property.Value;
            clauses.Add(property.Name switch
            {
                "$or" => new OrNode(CompileList(value, depth), negate: false),
                "$nor" => new OrNode(CompileList(value, depth), negate: true),
                "$and" => new AndNode(CompileList(value, depth)),
                "$not" => new NotNode(CompileCondition(value, depth + 1)),
                _ => CompilePath(property.Name, CompileValue(value, insensitive: false, depth + 1)),
            });
        }
        return clauses.Count switch
        {
            0 => ConstantNode.True,
            1 => clauses[0],
            _ => new AllClausesNode([.. clauses]),
        };
    }

    private static ConditionNode[] CompileList(JsonElement list, int depth)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            return [ConstantNode.False];
        }
        var items = new List<ConditionNode>();
        foreach (JsonElement item in list.EnumerateArray())
        {
            items.Add(CompileCondition(item, depth + 1));
        }
        return [.. items];
    }

    private static PathNode CompilePath(string path, ValueMatcher matcher)
    {
        string[] segments = path.Split('.');
        int[] indexes = new int[segments.Length];
        for (int i = 0; i < segments.Length; i++)
        {
            string s = segments[i];
            bool canonical = s.Length > 0 && (s == "0" || s[0] != '0');
            indexes[i] = canonical && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : -1;
        }
        return new PathNode(segments, indexes, matcher);
    }

    /// <summary>GrowthBook's evalConditionValue: a literal (implicit equality) or an operator object.</summary>
    public static ValueMatcher CompileValue(JsonElement condition, bool insensitive, int depth)
    {
        if (depth > MaxDepth)
        {
            return ConstantMatcher.False;
        }
        switch (condition.ValueKind)
        {
            case JsonValueKind.String:
                return new StringEqualsMatcher(condition.GetString()!, insensitive);
            case JsonValueKind.Number:
                return new NumberEqualsMatcher(JsCoerce.ReadNumber(condition));
            case JsonValueKind.True:
                return new BoolEqualsMatcher(true);
            case JsonValueKind.False:
                return new BoolEqualsMatcher(false);
            case JsonValueKind.Object when IsOperatorObject(condition):
                var operators = new List<ValueMatcher>();
                foreach (JsonProperty property in condition.EnumerateObject())
                {
                    operators.Add(CompileOperator(property.Name, property.Value, depth + 1));
                }
                return operators.Count == 1 ? operators[0] : new AllOfMatcher([.. operators]);
            case JsonValueKind.Object:
            case JsonValueKind.Array:
                return new StructuralEqualsMatcher(JsStructure.From(condition, depth));
            default:
                return IsNullMatcher.Instance;
        }
    }

    /// <summary>An object whose keys (at least one) all start with <c>$</c>.</summary>
    public static bool IsOperatorObject(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        int count = 0;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!property.Name.StartsWith('$'))
            {
                return false;
            }
            count++;
        }
        return count > 0;
    }

    private static ValueMatcher CompileOperator(string op, JsonElement expected, int depth)
    {
        switch (op)
        {
            case "$veq":
                return Version(expected, VersionOperator.Eq);
            case "$vne":
                return Version(expected, VersionOperator.Ne);
            case "$vgt":
                return Version(expected, VersionOperator.Gt);
            case "$vgte":
                return Version(expected, VersionOperator.Gte);
            case "$vlt":
                return Version(expected, VersionOperator.Lt);
            case "$vlte":
                return Version(expected, VersionOperator.Lte);
            case "$eq":
                return new StrictEqualsMatcher(JsPrimitive.From(expected), negate: false);
            case "$ne":
                return new StrictEqualsMatcher(JsPrimitive.From(expected), negate: true);
            case "$lt":
                return new RelationalMatcher(JsPrimitive.From(expected), RelationalOperator.Lt);
            case "$lte":
                return new RelationalMatcher(JsPrimitive.From(expected), RelationalOperator.Lte);
            case "$gt":
                return new RelationalMatcher(JsPrimitive.From(expected), RelationalOperator.Gt);
            case "$gte":
                return new RelationalMatcher(JsPrimitive.From(expected), RelationalOperator.Gte);
            case "$exists":
                return new ExistsMatcher(JsCoerce.IsTruthy(new JsOperand(expected)));
            case "$in":
            case "$nin":
            case "$ini":
            case "$nini":
                if (expected.ValueKind != JsonValueKind.Array)
                {
                    return ConstantMatcher.False;
                }
                return new InMatcher(new JsValueSet(expected, insensitive: op.EndsWith('i')), negate: op.StartsWith("$n", StringComparison.Ordinal));
            case "$not":
                return new NotMatcher(CompileValue(expected, insensitive: false, depth + 1));
            case "$size":
                return new SizeMatcher(CompileValue(expected, insensitive: false, depth + 1));
            case "$elemMatch":
                return IsOperatorObject(expected)
                    ? new ElemMatchMatcher(CompileValue(expected, insensitive: false, depth + 1), null)
                    : new ElemMatchMatcher(null, CompileCondition(expected, depth + 1));
            case "$all":
            case "$alli":
                if (expected.ValueKind != JsonValueKind.Array)
                {
                    return ConstantMatcher.False;
                }
                var items = new List<ValueMatcher>();
                foreach (JsonElement item in expected.EnumerateArray())
                {
                    items.Add(CompileValue(item, insensitive: op == "$alli", depth + 1));
                }
                return new AllMatcher([.. items]);
            case "$regex":
            case "$regexi":
                return Regex(expected, op == "$regexi");
            case "$type":
                return expected.ValueKind == JsonValueKind.String
                    ? new TypeMatcher(JsKindSet.ForTypeName(expected.GetString()!))
                    : ConstantMatcher.False;
            default:
                return ConstantMatcher.False;
        }
    }

    private static VersionMatcher Version(JsonElement expected, VersionOperator op) =>
        new(PaddedVersion.Of(new JsOperand(expected)), op);

    private static ValueMatcher Regex(JsonElement pattern, bool insensitive)
    {
        if (pattern.ValueKind != JsonValueKind.String)
        {
            return ConstantMatcher.False;
        }
        RegexOptions options = RegexOptions.CultureInvariant;
        if (insensitive)
        {
            options |= RegexOptions.IgnoreCase;
        }
        string text = pattern.GetString()!;
        try
        {
            // The non-backtracking engine matches in time linear in the input, so no timeout can turn a match
            // into a miss on a busy machine; patterns it cannot run (backreferences, lookarounds) fall back to
            // the backtracking engine, bounded by a timeout against catastrophic backtracking.
            return new RegexMatcher(new Regex(text, options | RegexOptions.NonBacktracking));
        }
        catch (NotSupportedException)
        {
        }
        catch (ArgumentException)
        {
            return ConstantMatcher.False;
        }
        try
        {
            return new RegexMatcher(new Regex(text, options | RegexOptions.Compiled, s_regexTimeout));
        }
        catch (ArgumentException)
        {
            return ConstantMatcher.False;
        }
    }
}
