namespace Expothesis.Fast.Assignment;

/// <summary>Why a unit got (or did not get) a variant (API.md "Assignment", field <c>reason</c>).</summary>
public enum AssignmentReason : byte
{
    /// <summary>Hashed into a variant's range.</summary>
    Split,
    /// <summary>Forced by the experiment's overrides.</summary>
    Override,
    /// <summary>The unit's stored (sticky) assignment.</summary>
    Sticky,
    /// <summary>Assigned by the bandit's current allocation (or its stored assignment).</summary>
    Bandit,
    /// <summary>The targeting condition did not match the attributes.</summary>
    ConditionFailed,
    /// <summary>The unit hashed outside the experiment's namespace range.</summary>
    NotInNamespace,
    /// <summary>The unit hashed outside the covered share of traffic.</summary>
    NotInCoverage,
    /// <summary>The hash attribute was missing or empty.</summary>
    MissingHashAttribute,
    /// <summary>The experiment is paused: no new exposures.</summary>
    Paused,
    /// <summary>The experiment is draft, stopped or archived.</summary>
    NotRunning,
    /// <summary>No experiment with that id or key.</summary>
    UnknownExperiment,
}

/// <summary>Wire names of <see cref="AssignmentReason"/>.</summary>
public static class AssignmentReasonNames
{
    /// <summary>The snake_case name used in JSON responses.</summary>
    public static string ToWire(this AssignmentReason reason) => reason switch
    {
        AssignmentReason.Split => "split",
        AssignmentReason.Override => "override",
        AssignmentReason.Sticky => "sticky",
        AssignmentReason.Bandit => "bandit",
        AssignmentReason.ConditionFailed => "condition_failed",
        AssignmentReason.NotInNamespace => "not_in_namespace",
        AssignmentReason.NotInCoverage => "not_in_coverage",
        AssignmentReason.MissingHashAttribute => "missing_hash_attribute",
        AssignmentReason.Paused => "paused",
        AssignmentReason.NotRunning => "not_running",
        AssignmentReason.UnknownExperiment => "unknown_experiment",
        _ => "unknown",
    };
}

/// <summary>The outcome of assigning one unit to one experiment.</summary>
/// <param name="VariantIndex">The variant, or -1 when none.</param>
/// <param name="InExperiment">True when the unit takes part (and is exposed when asked to be).</param>
/// <param name="Reason">Why.</param>
/// <param name="Bucket">The unit's hash in [0, 1), or 0 when it was not hashed.</param>
public readonly record struct AssignmentResult(int VariantIndex, bool InExperiment, AssignmentReason Reason, double Bucket)
{
    /// <summary>A result without a variant.</summary>
    public static AssignmentResult None(AssignmentReason reason, double bucket = 0) => new(-1, false, reason, bucket);
}
