
namespace Expothesis.Fast.Assignment;

/// <summary>
/// Everything <see cref="Assigner"/> needs about one experiment: its ordinal (the recorder's experiment id),
/// compiled rules, live allocation weights and lifecycle state. Built by the catalog when the experiment is
/// saved; <see cref="Status"/> changes in place on lifecycle transitions.
/// </summary>
public sealed class AssignmentTarget
{
    private volatile ExperimentStatus _status;

    /// <summary>Creates the target of a saved experiment (status <see cref="ExperimentStatus.Draft"/>).</summary>
    /// <param name="ordinal">The experiment's ordinal in the catalog.</param>
    /// <param name="key">The experiment key.</param>
    /// <param name="rules">The compiled assignment rules.</param>
    /// <param name="weights">The live variant weights (one per variant key).</param>
    /// <param name="variantKeys">The variant keys, in variant-index order.</param>
    /// <param name="storeAssignments">Keep each unit's first assignment (sticky or bandit experiments).</param>
    public AssignmentTarget(int ordinal, string key, AssignmentRules rules, AllocationWeights weights, IReadOnlyList<string> variantKeys, bool storeAssignments)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(variantKeys);
        if (weights.Count != variantKeys.Count)
        {
            throw new ArgumentException("One weight per variant key is required.", nameof(weights));
        }
        Ordinal = ordinal;
        Key = key;
        Rules = rules;
        Weights = weights;
        VariantKeys = variantKeys;
        StoreAssignments = storeAssignments;
    }

    /// <summary>The experiment's ordinal.</summary>
    public int Ordinal { get; }

    /// <summary>The experiment key.</summary>
    public string Key { get; }

    /// <summary>The compiled rules.</summary>
    public AssignmentRules Rules { get; }

    /// <summary>The live variant weights.</summary>
    public AllocationWeights Weights { get; }

    /// <summary>The variant keys.</summary>
    public IReadOnlyList<string> VariantKeys { get; }

    /// <summary>Assignments are stored and reused (sticky or bandit).</summary>
    public bool StoreAssignments { get; }

    /// <summary>The experiment is a bandit: hashed assignments report <see cref="AssignmentReason.Bandit"/>.</summary>
    public bool IsBandit { get; init; }

    /// <summary>The lifecycle state (volatile; set by the catalog on transitions).</summary>
    public ExperimentStatus Status
    {
        get => _status;
        set => _status = value;
    }
}
