using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>
/// One stored version of an experiment: its identity, lifecycle state and normalized definition. This
/// is what the catalog file holds, what the history lists, and what the HTTP API returns (snake_case).
/// </summary>
public sealed record ExperimentRecord
{
    /// <summary>Stable id (<c>exp_</c> + 12 hex digits).</summary>
    public required string Id { get; init; }

    /// <summary>Unique key.</summary>
    public required string Key { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Free text.</summary>
    public string Description { get; init; } = "";

    /// <summary>Lifecycle state.</summary>
    public ExperimentStatus Status { get; init; }

    /// <summary>Version of this experiment: 1 when created, +1 on every change.</summary>
    public long Version { get; init; }

    /// <summary>Dense ordinal used by the ingest path (stable forever, never reused).</summary>
    public int Ordinal { get; init; }

    /// <summary>When the experiment was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When this version was written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the experiment was started, if it was.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the experiment was stopped, if it was.</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>Hypothesis and power settings (normalized).</summary>
    public HypothesisSpec? Hypothesis { get; init; }

    /// <summary>Variants with normalized weights and exactly one control.</summary>
    public IReadOnlyList<VariantSpec>? Variants { get; init; }

    /// <summary>Metrics with kind, role and direction.</summary>
    public IReadOnlyList<MetricSpec>? Metrics { get; init; }

    /// <summary>Assignment settings with defaults applied.</summary>
    public AssignmentSpec? Assignment { get; init; }

    /// <summary>Analysis settings with defaults applied.</summary>
    public AnalysisSpec? Analysis { get; init; }

    /// <summary>Bandit settings, or null.</summary>
    public BanditSpec? Bandit { get; init; }

    /// <summary>The definition part as a spec (what validation takes).</summary>
    public ExperimentSpec ToSpec() => new()
    {
        Key = Key,
        Name = Name,
        Description = Description,
        Hypothesis = Hypothesis,
        Variants = Variants,
        Metrics = Metrics,
        Assignment = Assignment,
        Analysis = Analysis,
        Bandit = Bandit,
    };

    internal ExperimentRecord WithSpec(ExperimentSpec normalized) => this with
    {
        Key = normalized.Key!,
        Name = normalized.Name!,
        Description = normalized.Description ?? "",
        Hypothesis = normalized.Hypothesis,
        Variants = normalized.Variants,
        Metrics = normalized.Metrics,
        Assignment = normalized.Assignment,
        Analysis = normalized.Analysis,
        Bandit = normalized.Bandit,
    };
}

/// <summary>One entry of an experiment's append-only audit trail.</summary>
public sealed record AuditEntry
{
    /// <summary>The experiment version this change produced.</summary>
    public long Version { get; init; }

    /// <summary>The catalog-wide version of the change (monotonic over all experiments).</summary>
    public long CatalogVersion { get; init; }

    /// <summary>When the change was made.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary><c>created</c>, <c>updated</c>, <c>started</c>, <c>paused</c>, <c>resumed</c>, <c>stopped</c> or <c>archived</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The experiment's id.</summary>
    public required string ExperimentId { get; init; }

    /// <summary>The experiment as it was after the change.</summary>
    public required ExperimentRecord Experiment { get; init; }
}
