using Expothesis.Fast.Assignment;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>The snake_case wire names of the catalog's enums (API.md), both ways.</summary>
public static class CatalogNames
{
    /// <summary>Wire name of a status.</summary>
    public static string ToWire(ExperimentStatus status) => status switch
    {
        ExperimentStatus.Draft => "draft",
        ExperimentStatus.Running => "running",
        ExperimentStatus.Paused => "paused",
        ExperimentStatus.Stopped => "stopped",
        _ => "archived",
    };

    /// <summary>Parses a status name.</summary>
    public static bool TryParseStatus(string? value, out ExperimentStatus status)
    {
        switch (value)
        {
            case "draft": status = ExperimentStatus.Draft; return true;
            case "running": status = ExperimentStatus.Running; return true;
            case "paused": status = ExperimentStatus.Paused; return true;
            case "stopped": status = ExperimentStatus.Stopped; return true;
            case "archived": status = ExperimentStatus.Archived; return true;
            default: status = default; return false;
        }
    }

    /// <summary>Wire name of a metric kind.</summary>
    public static string ToWire(MetricKind kind) => kind switch
    {
        MetricKind.Binary => "binary",
        MetricKind.Count => "count",
        _ => "sum",
    };

    /// <summary>Parses a metric kind.</summary>
    public static bool TryParseKind(string value, out MetricKind kind)
    {
        switch (value)
        {
            case "binary": kind = MetricKind.Binary; return true;
            case "count": kind = MetricKind.Count; return true;
            case "sum": kind = MetricKind.Sum; return true;
            default: kind = default; return false;
        }
    }

    /// <summary>Wire name of a metric role.</summary>
    public static string ToWire(MetricRole role) => role switch
    {
        MetricRole.Primary => "primary",
        MetricRole.Secondary => "secondary",
        _ => "guardrail",
    };

    /// <summary>Parses a metric role.</summary>
    public static bool TryParseRole(string value, out MetricRole role)
    {
        switch (value)
        {
            case "primary": role = MetricRole.Primary; return true;
            case "secondary": role = MetricRole.Secondary; return true;
            case "guardrail": role = MetricRole.Guardrail; return true;
            default: role = default; return false;
        }
    }

    /// <summary>Wire name of a metric direction.</summary>
    public static string ToWire(MetricDirection direction) => direction == MetricDirection.Increase ? "increase" : "decrease";

    /// <summary>Parses a metric direction.</summary>
    public static bool TryParseDirection(string value, out MetricDirection direction)
    {
        switch (value)
        {
            case "increase": direction = MetricDirection.Increase; return true;
            case "decrease": direction = MetricDirection.Decrease; return true;
            default: direction = default; return false;
        }
    }

    /// <summary>Wire name of an analysis engine.</summary>
    public static string ToWire(AnalysisEngineKind engine) => engine == AnalysisEngineKind.Frequentist ? "frequentist" : "bayesian";

    /// <summary>Parses an analysis engine.</summary>
    public static bool TryParseEngine(string value, out AnalysisEngineKind engine)
    {
        switch (value)
        {
            case "frequentist": engine = AnalysisEngineKind.Frequentist; return true;
            case "bayesian": engine = AnalysisEngineKind.Bayesian; return true;
            default: engine = default; return false;
        }
    }

    /// <summary>Wire name of a correction method.</summary>
    public static string ToWire(CorrectionMethod correction) => correction switch
    {
        CorrectionMethod.None => "none",
        CorrectionMethod.Holm => "holm",
        _ => "benjamini_hochberg",
    };

    /// <summary>Parses a correction method.</summary>
    public static bool TryParseCorrection(string value, out CorrectionMethod correction)
    {
        switch (value)
        {
            case "none": correction = CorrectionMethod.None; return true;
            case "holm": correction = CorrectionMethod.Holm; return true;
            case "benjamini_hochberg": correction = CorrectionMethod.BenjaminiHochberg; return true;
            default: correction = default; return false;
        }
    }

    /// <summary>Wire name of a bandit algorithm.</summary>
    public static string ToWire(BanditAlgorithm algorithm) => algorithm switch
    {
        BanditAlgorithm.Thompson => "thompson",
        BanditAlgorithm.Ucb1 => "ucb1",
        _ => "epsilon_greedy",
    };

    /// <summary>Parses a bandit algorithm.</summary>
    public static bool TryParseBandit(string value, out BanditAlgorithm algorithm)
    {
        switch (value)
        {
            case "thompson": algorithm = BanditAlgorithm.Thompson; return true;
            case "ucb1": algorithm = BanditAlgorithm.Ucb1; return true;
            case "epsilon_greedy": algorithm = BanditAlgorithm.EpsilonGreedy; return true;
            default: algorithm = default; return false;
        }
    }
}
