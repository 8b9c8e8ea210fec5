using System.Globalization;
using System.Text.Json;

namespace Expothesis.Fast.Assignment;

/// <summary>
/// An experiment's assignment settings, validated and compiled once when the experiment is saved:
/// the seed resolved, the condition compiled, overrides mapped to variant indexes, the namespace seed built.
/// Immutable and safe to share between threads.
/// </summary>
public sealed class AssignmentRules
{
    private readonly Dictionary<string, int> _overrides;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _overrideLookup;

    private AssignmentRules(AssignmentRulesSpec spec, string seed, TargetingCondition? condition, Dictionary<string, int> overrides)
    {
        Spec = spec;
        Seed = seed;
        SeedState = BucketHash.SeedState(seed);
        Condition = condition;
        _overrides = overrides;
        _overrideLookup = overrides.GetAlternateLookup<ReadOnlySpan<char>>();
        Coverage = Math.Clamp(spec.Coverage, 0, 1);
        HashAttribute = spec.HashAttribute;
        HashAttributeUtf8 = System.Text.Encoding.UTF8.GetBytes(spec.HashAttribute);
        HashAttributeIsId = spec.HashAttribute == "id";
        HashVersion = spec.HashVersion;
        if (spec.Namespace is { } ns)
        {
            HasNamespace = true;
            NamespaceSeed = "__" + ns.Name;
            NamespaceStart = ns.Start;
            NamespaceEnd = ns.End;
        }
        else
        {
            NamespaceSeed = string.Empty;
        }
    }

    /// <summary>The settings these rules were compiled from.</summary>
    public AssignmentRulesSpec Spec { get; }

    /// <summary>The hash seed (the experiment key when the spec has none).</summary>
    public string Seed { get; }

    /// <summary>The FNV state after the seed (version 2 hashes continue from it).</summary>
    public uint SeedState { get; }

    /// <summary>The bucket of a hash-attribute value under these rules' seed and hash version.</summary>
    public double Bucket(ReadOnlySpan<char> hashValue) =>
        HashVersion == 1 ? BucketHash.V1(Seed, hashValue) : BucketHash.V2(SeedState, hashValue);

    /// <summary>Coverage clamped to [0, 1].</summary>
    public double Coverage { get; }

    /// <summary>The attribute whose value is hashed.</summary>
    public string HashAttribute { get; }

    /// <summary>UTF-8 of <see cref="HashAttribute"/>, for allocation-free attribute lookups.</summary>
    internal byte[] HashAttributeUtf8 { get; }

    /// <summary>The hash attribute is <c>id</c>, which falls back to the request's user id.</summary>
    internal bool HashAttributeIsId { get; }

    /// <summary>1 or 2.</summary>
    public int HashVersion { get; }

    /// <summary>The compiled condition, or null for everyone.</summary>
    public TargetingCondition? Condition { get; }

    /// <summary>True when the experiment takes part in a namespace.</summary>
    public bool HasNamespace { get; }

    /// <summary><c>"__" + name</c>, the namespace's hash seed.</summary>
    public string NamespaceSeed { get; }

    /// <summary>Namespace range start (inclusive).</summary>
    public double NamespaceStart { get; }

    /// <summary>Namespace range end (exclusive).</summary>
    public double NamespaceEnd { get; }

    /// <summary>Number of forced overrides.</summary>
    public int OverrideCount => _overrides.Count;

    /// <summary>The forced variant of a hash-attribute value, if any.</summary>
    public bool TryGetOverride(ReadOnlySpan<char> hashValue, out int variant)
    {
        if (_overrides.Count == 0)
        {
            variant = -1;
            return false;
        }
        return _overrideLookup.TryGetValue(hashValue, out variant);
    }

    /// <summary>
    /// Validates and compiles <paramref name="spec"/>. On failure <paramref name="errorField"/> names the field
    /// (<c>assignment.hash_version</c>, <c>assignment.overrides.qa-user-1</c>, ...). Unknown condition operators
    /// and invalid regular expressions are not errors: they evaluate false.
    /// </summary>
    public static bool TryCompile(
        AssignmentRulesSpec spec,
        string experimentKey,
        IReadOnlyList<string> variantKeys,
        out AssignmentRules? rules,
        out string? errorField,
        out string? errorMessage)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(experimentKey);
        ArgumentNullException.ThrowIfNull(variantKeys);
        rules = null;
        if (!double.IsFinite(spec.Coverage))
        {
            return Fail("assignment.coverage", "must be a finite number", out errorField, out errorMessage);
        }
        if (string.IsNullOrEmpty(spec.HashAttribute))
        {
            return Fail("assignment.hash_attribute", "must not be empty", out errorField, out errorMessage);
        }
        if (spec.HashVersion is not (1 or 2))
        {
            return Fail("assignment.hash_version", "must be 1 or 2", out errorField, out errorMessage);
        }
        if (spec.Namespace is { } ns)
        {
            if (string.IsNullOrEmpty(ns.Name))
            {
                return Fail("assignment.namespace", "the namespace name must not be empty", out errorField, out errorMessage);
            }
            if (!(ns.Start >= 0 && ns.Start <= 1 && ns.End >= 0 && ns.End <= 1))
            {
                return Fail("assignment.namespace", "start and end must be within [0, 1]", out errorField, out errorMessage);
            }
            if (!(ns.Start < ns.End))
            {
                return Fail("assignment.namespace", "start must be less than end", out errorField, out errorMessage);
            }
        }
        TargetingCondition? condition = null;
        if (spec.Condition is { } json && json.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            if (!TargetingCondition.TryCompile(json, out condition, out string? conditionError))
            {
                return Fail("assignment.condition", conditionError!, out errorField, out errorMessage);
            }
        }
        var overrides = new Dictionary<string, int>(spec.Overrides?.Count ?? 0, StringComparer.Ordinal);
        if (spec.Overrides is not null)
        {
            foreach (KeyValuePair<string, string> entry in spec.Overrides)
            {
                int index = IndexOf(variantKeys, entry.Value);
                if (index < 0)
                {
                    return Fail("assignment.overrides." + entry.Key,
                        string.Create(CultureInfo.InvariantCulture, $"unknown variant '{entry.Value}'"), out errorField, out errorMessage);
                }
                overrides[entry.Key] = index;
            }
        }
        string seed = string.IsNullOrEmpty(spec.Seed) ? experimentKey : spec.Seed;
        rules = new AssignmentRules(spec, seed, condition, overrides);
        errorField = null;
        errorMessage = null;
        return true;
    }

    private static int IndexOf(IReadOnlyList<string> keys, string? key)
    {
        for (int i = 0; i < keys.Count; i++)
        {
            if (string.Equals(keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private static bool Fail(string field, string message, out string? errorField, out string? errorMessage)
    {
        errorField = field;
        errorMessage = message;
        return false;
    }
}
