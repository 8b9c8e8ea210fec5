using Expothesis.Fast.Assignment;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query.Analysis;

/// <summary>Wire names (API.md, snake_case) of the enums the analysis documents carry.</summary>
public static class AnalysisWire
{
    /// <summary><c>binary</c> | <c>count</c> | <c>sum</c>.</summary>
    public static string Kind(MetricKind kind) => kind switch
    {
        MetricKind.Binary => "binary",
        MetricKind.Count => "count",
        _ => "sum",
    };

    /// <summary><c>primary</c> | <c>secondary</c> | <c>guardrail</c>.</summary>
    public static string Role(MetricRole role) => role switch
    {
        MetricRole.Primary => "primary",
        MetricRole.Guardrail => "guardrail",
        _ => "secondary",
    };

    /// <summary><c>increase</c> | <c>decrease</c>.</summary>
    public static string Direction(MetricDirection direction) => direction == MetricDirection.Decrease ? "decrease" : "increase";

    /// <summary><c>frequentist</c> | <c>bayesian</c>.</summary>
    public static string Engine(AnalysisEngineKind engine) => engine == AnalysisEngineKind.Bayesian ? "bayesian" : "frequentist";

    /// <summary><c>none</c> | <c>holm</c> | <c>benjamini_hochberg</c>.</summary>
    public static string Correction(CorrectionMethod method) => method switch
    {
        CorrectionMethod.None => "none",
        CorrectionMethod.BenjaminiHochberg => "benjamini_hochberg",
        _ => "holm",
    };

    /// <summary><c>thompson</c> | <c>ucb1</c> | <c>epsilon_greedy</c>.</summary>
    public static string Bandit(BanditAlgorithm algorithm) => algorithm switch
    {
        BanditAlgorithm.Ucb1 => "ucb1",
        BanditAlgorithm.EpsilonGreedy => "epsilon_greedy",
        _ => "thompson",
    };

    /// <summary>Lifecycle status on the wire.</summary>
    public static string Status(ExperimentStatus status) => status switch
    {
        ExperimentStatus.Draft => "draft",
        ExperimentStatus.Running => "running",
        ExperimentStatus.Paused => "paused",
        ExperimentStatus.Stopped => "stopped",
        _ => "archived",
    };

    /// <summary>Parses <c>frequentist</c> | <c>bayesian</c> (case-insensitive).</summary>
    public static bool TryParseEngine(string value, out AnalysisEngineKind engine)
    {
        if (value.Equals("frequentist", StringComparison.OrdinalIgnoreCase))
        {
            engine = AnalysisEngineKind.Frequentist;
            return true;
        }

        if (value.Equals("bayesian", StringComparison.OrdinalIgnoreCase))
        {
            engine = AnalysisEngineKind.Bayesian;
            return true;
        }

        engine = default;
        return false;
    }

    /// <summary>Parses <c>holm</c> | <c>benjamini_hochberg</c> (also <c>bh</c>, <c>fdr_bh</c>) | <c>none</c>.</summary>
    public static bool TryParseCorrection(string value, out CorrectionMethod method)
    {
        switch (value.ToUpperInvariant())
        {
            case "HOLM":
                method = CorrectionMethod.Holm;
                return true;
            case "BENJAMINI_HOCHBERG" or "BH" or "FDR_BH" or "BENJAMINI-HOCHBERG":
                method = CorrectionMethod.BenjaminiHochberg;
                return true;
            case "NONE":
                method = CorrectionMethod.None;
                return true;
            default:
                method = default;
                return false;
        }
    }

    /// <summary>RFC 3339 UTC with milliseconds, e.g. <c>2026-12-01T18:00:00.000Z</c>.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
