namespace Expothesis.Fast.Storage.Catalog;

/// <summary>What a metric is for in the decision (API.md "Experiments").</summary>
public enum MetricRole : byte
{
    /// <summary>The decision metric (at most one per experiment).</summary>
    Primary,
    /// <summary>Reported, not decided on.</summary>
    Secondary,
    /// <summary>Must not get significantly worse; a harm stops a ship decision.</summary>
    Guardrail,
}

/// <summary>Which way is better for a metric.</summary>
public enum MetricDirection : byte
{
    /// <summary>Higher is better.</summary>
    Increase,
    /// <summary>Lower is better.</summary>
    Decrease,
}

/// <summary>The analysis engine an experiment asks for (API.md `analysis.engine`).</summary>
public enum AnalysisEngineKind : byte
{
    /// <summary>Frequentist tests decide; Bayesian numbers are reported too.</summary>
    Frequentist,
    /// <summary>P(beat baseline) and expected loss decide.</summary>
    Bayesian,
}
