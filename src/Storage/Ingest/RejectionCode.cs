namespace Expothesis.Fast.Storage.Ingest;

/// <summary>Why one event of a batch was not accepted (API.md "Events"; snake_case on the wire).</summary>
public enum RejectionCode : byte
{
    /// <summary>Not rejected.</summary>
    None = 0,
    /// <summary>`unknown_experiment`</summary>
    UnknownExperiment,
    /// <summary>`unknown_metric`</summary>
    UnknownMetric,
    /// <summary>`unknown_variant`</summary>
    UnknownVariant,
    /// <summary>`variant_mismatch`: the event's variant contradicts the unit's recorded one.</summary>
    VariantMismatch,
    /// <summary>`not_exposed`: a metric event of a unit not (yet) exposed, naming no variant.</summary>
    NotExposed,
    /// <summary>`experiment_not_running`: draft (or paused, for exposures).</summary>
    ExperimentNotRunning,
    /// <summary>`experiment_stopped`</summary>
    ExperimentStopped,
    /// <summary>`invalid_value`: non-finite or not a number; also an unparseable timestamp or type.</summary>
    InvalidValue,
    /// <summary>`missing_field`: no experiment, user id, or metric.</summary>
    MissingField,
    /// <summary>`field_too_long`: an id over the limit, or an event over the per-event size limit.</summary>
    FieldTooLong,
    /// <summary>Not an error: a repeated `event_id`, counted in `duplicates`, not in `rejected`.</summary>
    Duplicate,
}

/// <summary>Wire names of <see cref="RejectionCode"/>.</summary>
public static class RejectionCodes
{
    /// <summary>The snake_case code of a rejection.</summary>
    public static string ToWire(this RejectionCode code) => code switch
    {
        RejectionCode.UnknownExperiment => "unknown_experiment",
        RejectionCode.UnknownMetric => "unknown_metric",
        RejectionCode.UnknownVariant => "unknown_variant",
        RejectionCode.VariantMismatch => "variant_mismatch",
        RejectionCode.NotExposed => "not_exposed",
        RejectionCode.ExperimentNotRunning => "experiment_not_running",
        RejectionCode.ExperimentStopped => "experiment_stopped",
        RejectionCode.InvalidValue => "invalid_value",
        RejectionCode.MissingField => "missing_field",
        RejectionCode.FieldTooLong => "field_too_long",
        RejectionCode.Duplicate => "duplicate",
        _ => "none",
    };
}
