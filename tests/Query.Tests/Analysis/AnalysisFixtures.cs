using Expothesis.Fast.Query.Analysis;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query.Tests.Analysis;

internal static class AnalysisFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 18, 0, 0, TimeSpan.Zero);

    public static VariantMoments Binary(long n, long x) => new(n, x, x);

    public static AnalysisSettings Settings(AnalysisEngineKind engine = AnalysisEngineKind.Frequentist, bool sequential = false) =>
        new(engine, sequential, 5000, CorrectionMethod.Holm);

    /// <summary>Two-variant experiment with one binary primary metric.</summary>
    public static AnalysisInput TwoVariantBinary(long nA, long xA, long nB, long xB, double? mde = 0.05, AnalysisSettings? settings = null, MetricDirection direction = MetricDirection.Increase, long[]? exposed = null) => new()
    {
        ExperimentKey = "checkout-button",
        Status = "running",
        VariantKeys = ["control", "green"],
        ExpectedShares = [0.5, 0.5],
        ControlIndex = 0,
        Metrics = [new AnalysisMetric("purchase", MetricKind.Binary, MetricRole.Primary, direction)],
        Moments = new VariantMoments[,] { { Binary(nA, xA) }, { Binary(nB, xB) } },
        ExposedUnits = exposed ?? [nA, nB],
        Hypothesis = new AnalysisHypothesis(mde, false, 0.05, 0.8),
        Settings = settings ?? Settings(),
    };
}
