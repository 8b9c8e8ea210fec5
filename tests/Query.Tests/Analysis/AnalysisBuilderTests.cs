using System.Text.Json;
using Expothesis.Fast.Query.Analysis;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;
using static Expothesis.Fast.Query.Tests.Analysis.AnalysisFixtures;

namespace Expothesis.Fast.Query.Tests.Analysis;

public sealed class AnalysisBuilderTests
{
    private static JsonElement Json(AnalysisDocument doc) =>
        JsonDocument.Parse(JsonSerializer.Serialize(doc, AnalysisJsonContext.Default.AnalysisDocument)).RootElement;

    [Fact]
    public void The_document_has_the_snake_case_shape_of_api_md()
    {
        var root = Json(AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 130), null, Now));
        Assert.Equal("checkout-button", root.GetProperty("experiment").GetString());
        Assert.Equal("running", root.GetProperty("status").GetString());
        Assert.Equal("2026-12-01T18:00:00.000Z", root.GetProperty("computed_at").GetString());
        var srm = root.GetProperty("srm");
        Assert.Equal(1.0, srm.GetProperty("p_value").GetDouble());
        Assert.False(srm.GetProperty("flagged").GetBoolean());
        Assert.Equal(1000, srm.GetProperty("observed").GetProperty("green").GetInt64());
        Assert.Equal(0.5, srm.GetProperty("expected_share").GetProperty("control").GetDouble());

        var metric = root.GetProperty("metrics")[0];
        Assert.Equal("purchase", metric.GetProperty("name").GetString());
        Assert.Equal("binary", metric.GetProperty("kind").GetString());
        Assert.Equal("primary", metric.GetProperty("role").GetString());
        Assert.False(metric.TryGetProperty("omnibus", out _));
        var control = metric.GetProperty("variants")[0];
        Assert.Equal("control", control.GetProperty("variant").GetString());
        Assert.Equal(1000, control.GetProperty("units").GetInt64());
        Assert.Equal(100, control.GetProperty("sum").GetDouble());
        Assert.Equal(0.1, control.GetProperty("mean").GetDouble());
        Assert.Equal(90.0 / 999, control.GetProperty("variance").GetDouble(), 15);
        // proportion_confint(100, 1000, method="wilson") = (0.08290944359309571, 0.1201519631953484)
        Assert.Equal(0.08290944359309571, control.GetProperty("ci")[0].GetDouble(), 12);
        Assert.Equal(0.1201519631953484, control.GetProperty("ci")[1].GetDouble(), 12);

        var c = metric.GetProperty("comparisons")[0];
        Assert.Equal("green", c.GetProperty("variant").GetString());
        Assert.Equal("control", c.GetProperty("baseline").GetString());
        Assert.Equal("two_proportion_z", c.GetProperty("test").GetString());
        // proportions_ztest([130, 100], [1000, 1000]) = (2.102740605622114, 0.03548845046647471)
        Assert.Equal(2.102740605622114, c.GetProperty("statistic").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("df").ValueKind);
        Assert.Equal(0.03548845046647471, c.GetProperty("p_value").GetDouble(), 12);
        Assert.Equal(0.03548845046647471, c.GetProperty("p_value_adjusted").GetDouble(), 12);
        Assert.Equal(0.03, c.GetProperty("difference").GetDouble(), 15);
        Assert.Equal(2, c.GetProperty("difference_ci").GetArrayLength());
        Assert.Equal(0.3, c.GetProperty("relative_lift").GetDouble(), 12);
        Assert.Equal(2, c.GetProperty("relative_lift_ci").GetArrayLength());
        Assert.True(c.GetProperty("significant").GetBoolean());
        Assert.True(c.GetProperty("effect_size").TryGetProperty("cohens_h", out _));
        Assert.False(c.GetProperty("effect_size").TryGetProperty("cohens_d", out _));
        // quad(beta.pdf(x,131,871)*beta.cdf(x,101,901)) = 0.9821650661163521
        Assert.Equal(0.9821650661163521, c.GetProperty("bayesian").GetProperty("prob_beat_baseline").GetDouble(), 6);
        Assert.True(c.GetProperty("bayesian").GetProperty("expected_loss").GetDouble() > 0);
        Assert.False(c.TryGetProperty("sequential", out _));

        var power = root.GetProperty("power");
        Assert.True(power.GetProperty("units_per_variant_needed").GetInt64() > 0);
        Assert.InRange(power.GetProperty("progress").GetDouble(), 0, 1);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("bandit").ValueKind);
        var rec = root.GetProperty("recommendation");
        Assert.Equal("ship", rec.GetProperty("decision").GetString());
        Assert.Equal("green", rec.GetProperty("variant").GetString());
        Assert.False(string.IsNullOrEmpty(rec.GetProperty("reason").GetString()));
    }

    [Fact]
    public void Sample_size_for_the_api_example_matches_statsmodels()
    {
        // hypothesis mde 0.02 absolute on a 10% baseline: ceil(NormalIndPower().solve_power(proportion_effectsize(0.12, 0.10), alpha=0.05, power=0.8)) = 3835
        var doc = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 104, mde: 0.02), null, Now);
        Assert.Equal(3835, doc.Power.UnitsPerVariantNeeded);
        Assert.Equal(1000.0 / 3835, doc.Power.Progress!.Value, 12);
    }

    [Fact]
    public void Sample_ratio_mismatch_is_investigated_before_anything_else()
    {
        var doc = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1200, 200, exposed: [1000, 1200]), null, Now);
        Assert.True(doc.Srm.Flagged);
        Assert.True(doc.Srm.PValue < 0.001);
        Assert.Equal("investigate_srm", doc.Recommendation.Decision);
    }

    [Fact]
    public void A_significantly_worse_guardrail_is_reported_as_harm()
    {
        var input = new AnalysisInput
        {
            ExperimentKey = "e",
            Status = "running",
            VariantKeys = ["control", "green"],
            ExpectedShares = [0.5, 0.5],
            Metrics =
            [
                new AnalysisMetric("purchase", MetricKind.Binary, MetricRole.Primary, MetricDirection.Increase),
                new AnalysisMetric("errors", MetricKind.Count, MetricRole.Guardrail, MetricDirection.Decrease),
            ],
            // errors: control mean 1.0, green mean 1.3 with unit variance 1: clearly more errors.
            Moments = new VariantMoments[,] { { Binary(2000, 200), Count(2000, 1.0, 1.0) }, { Binary(2000, 260), Count(2000, 1.3, 1.0) } },
            ExposedUnits = [2000, 2000],
            Hypothesis = new AnalysisHypothesis(0.05),
        };
        var doc = AnalysisBuilder.Build(input, null, Now);
        Assert.Equal("guardrail_harm", doc.Recommendation.Decision);
        Assert.Equal("green", doc.Recommendation.Variant);
        Assert.Equal("welch_t", doc.Metrics[1].Comparisons[0].Test);
        Assert.NotNull(doc.Metrics[1].Comparisons[0].EffectSize.CohensD);
    }

    [Fact]
    public void A_guardrail_that_improves_is_not_harm()
    {
        var input = new AnalysisInput
        {
            ExperimentKey = "e",
            Status = "running",
            VariantKeys = ["control", "green"],
            ExpectedShares = [0.5, 0.5],
            Metrics =
            [
                new AnalysisMetric("purchase", MetricKind.Binary, MetricRole.Primary, MetricDirection.Increase),
                new AnalysisMetric("errors", MetricKind.Count, MetricRole.Guardrail, MetricDirection.Decrease),
            ],
            Moments = new VariantMoments[,] { { Binary(2000, 200), Count(2000, 1.3, 1.0) }, { Binary(2000, 260), Count(2000, 1.0, 1.0) } },
            ExposedUnits = [2000, 2000],
            Hypothesis = new AnalysisHypothesis(0.05),
        };
        Assert.Equal("ship", AnalysisBuilder.Build(input, null, Now).Recommendation.Decision);
    }

    [Fact]
    public void Fixed_horizon_keeps_running_until_the_sample_size_is_reached()
    {
        var early = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 130, mde: 0.01), null, Now);
        Assert.True(early.Metrics[0].Comparisons[0].Significant);
        Assert.True(early.Power.Progress < 1);
        Assert.Equal("keep_running", early.Recommendation.Decision);
        var noMde = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 130, mde: null), null, Now);
        Assert.Null(noMde.Power.UnitsPerVariantNeeded);
        Assert.Equal("keep_running", noMde.Recommendation.Decision);
    }

    [Fact]
    public void At_full_sample_no_significant_difference_is_no_effect()
    {
        var doc = AnalysisBuilder.Build(TwoVariantBinary(5000, 500, 5000, 505, mde: 0.02), null, Now);
        Assert.Equal(1, doc.Power.Progress);
        Assert.Equal("no_effect", doc.Recommendation.Decision);
        var worse = AnalysisBuilder.Build(TwoVariantBinary(5000, 500, 5000, 380, mde: 0.02), null, Now);
        Assert.Equal("no_effect", worse.Recommendation.Decision);
    }

    [Fact]
    public void Sequential_testing_ships_a_clear_winner_before_the_horizon_and_reports_its_numbers()
    {
        var settings = Settings(sequential: true);
        var doc = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 200, mde: 0.001, settings: settings), null, Now);
        Assert.True(doc.Power.Progress < 1);
        var seq = doc.Metrics[0].Comparisons[0].Sequential;
        Assert.NotNull(seq);
        Assert.True(seq.PValue < 0.05);
        Assert.Equal("ship", doc.Recommendation.Decision);
        Assert.Equal("green", doc.Recommendation.Variant);

        // The same modest effect is significant fixed-horizon but not sequentially.
        var modest = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 130, mde: 0.001, settings: settings), null, Now);
        Assert.False(modest.Metrics[0].Comparisons[0].Significant);
        Assert.Equal("keep_running", modest.Recommendation.Decision);
        var json = JsonSerializer.Serialize(modest, AnalysisJsonContext.Default.AnalysisDocument);
        Assert.Contains("\"sequential\":{\"p_value\":", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_overrides_replace_alpha_engine_sequential_and_correction()
    {
        var input = TwoVariantBinary(1000, 100, 1000, 130);
        Assert.True(AnalysisOverrides.TryParse("0.01", "bayesian", "true", "benjamini_hochberg", out var o, out var errors));
        Assert.Empty(errors);
        Assert.Equal(new AnalysisOverrides(0.01, AnalysisEngineKind.Bayesian, true, CorrectionMethod.BenjaminiHochberg), o);
        var strict = AnalysisBuilder.Build(input, new AnalysisOverrides(Alpha: 0.01), Now);
        Assert.False(strict.Metrics[0].Comparisons[0].Significant);
        Assert.NotNull(AnalysisBuilder.Build(input, new AnalysisOverrides(Sequential: true), Now).Metrics[0].Comparisons[0].Sequential);
        Assert.False(AnalysisOverrides.TryParse("2", "magic", "maybe", "bonferroni", out _, out errors));
        Assert.Equal(["alpha", "correction", "engine", "sequential"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bayesian_engine_ships_on_probability_to_beat_and_small_loss()
    {
        var settings = Settings(AnalysisEngineKind.Bayesian);
        var doc = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 130, mde: 0.001, settings: settings), null, Now);
        Assert.Equal("ship", doc.Recommendation.Decision);
        var unsure = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 110, mde: 0.001, settings: settings), null, Now);
        Assert.Equal("keep_running", unsure.Recommendation.Decision);
    }

    [Fact]
    public void Lower_is_better_primary_ships_the_variant_that_decreases()
    {
        var doc = AnalysisBuilder.Build(TwoVariantBinary(1000, 130, 1000, 100, mde: 0.05, direction: MetricDirection.Decrease), null, Now);
        Assert.Equal("ship", doc.Recommendation.Decision);
        var wrongWay = AnalysisBuilder.Build(TwoVariantBinary(1000, 100, 1000, 130, mde: 0.05, direction: MetricDirection.Decrease), null, Now);
        Assert.Equal("no_effect", wrongWay.Recommendation.Decision);
        Assert.True(wrongWay.Metrics[0].Comparisons[0].Bayesian.ProbBeatBaseline < 0.05);
    }

    [Fact]
    public void Three_variants_with_a_non_first_control_get_an_omnibus_and_keep_definition_order()
    {
        var input = new AnalysisInput
        {
            ExperimentKey = "e",
            Status = "running",
            VariantKeys = ["blue", "control", "red"],
            ExpectedShares = [1, 1, 1],
            ControlIndex = 1,
            Metrics =
            [
                new AnalysisMetric("purchase", MetricKind.Binary, MetricRole.Primary, MetricDirection.Increase),
                new AnalysisMetric("revenue", MetricKind.Sum, MetricRole.Secondary, MetricDirection.Increase),
            ],
            Moments = new VariantMoments[,]
            {
                { Binary(1000, 130), Count(1000, 10.5, 16) },
                { Binary(1000, 100), Count(1000, 10.0, 16) },
                { Binary(1023, 118), Count(1023, 10.1, 15) },
            },
            ExposedUnits = [1000, 1000, 1023],
        };
        var doc = AnalysisBuilder.Build(input, null, Now);
        var purchase = doc.Metrics[0];
        Assert.Equal(["blue", "control", "red"], purchase.Variants.Select(v => v.Variant));
        Assert.Equal(["blue", "red"], purchase.Comparisons.Select(c => c.Variant));
        Assert.All(purchase.Comparisons, c => Assert.Equal("control", c.Baseline));
        Assert.Equal("chi_square", purchase.Omnibus!.Test);
        // chi2_contingency([[100, 130, 118], [900, 870, 905]], correction=False) = (4.418393883739834, p=0.10978877989575149)
        Assert.Equal(4.418393883739834, purchase.Omnibus.Statistic!.Value, 10);
        Assert.Equal(0.10978877989575149, purchase.Omnibus.PValue!.Value, 12);
        Assert.Equal(2, purchase.Omnibus.Df);
        Assert.Equal("welch_anova", doc.Metrics[1].Omnibus!.Test);
        Assert.NotNull(doc.Metrics[1].Omnibus!.Df2);
        Assert.Equal(1.0 / 3, doc.Srm.ExpectedShare["red"], 15);
        var json = JsonSerializer.Serialize(doc, AnalysisJsonContext.Default.AnalysisDocument);
        Assert.Contains("\"omnibus\":{\"test\":\"chi_square\"", json, StringComparison.Ordinal);
    }

    public static TheoryData<string> EdgeCases => ["no data", "single variant with data", "one unit each", "all converted", "zero variance"];

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void Degenerate_experiments_serialize_without_nan(string name)
    {
        AnalysisInput input = name switch
        {
            "no data" => TwoVariantBinary(0, 0, 0, 0),
            "single variant with data" => new AnalysisInput
            {
                ExperimentKey = "solo",
                Status = "running",
                VariantKeys = ["control"],
                ExpectedShares = [1],
                Metrics = [new AnalysisMetric("purchase", MetricKind.Binary, MetricRole.Primary, MetricDirection.Increase), new AnalysisMetric("revenue", MetricKind.Sum, MetricRole.Secondary, MetricDirection.Increase)],
                Moments = new VariantMoments[,] { { Binary(500, 50), Count(500, 3, 4) } },
                ExposedUnits = [500],
                Hypothesis = new AnalysisHypothesis(0.1, true),
            },
            "one unit each" => TwoVariantBinary(1, 1, 1, 0),
            "all converted" => TwoVariantBinary(100, 100, 100, 100),
            _ => new AnalysisInput
            {
                ExperimentKey = "flat",
                Status = "stopped",
                VariantKeys = ["control", "b", "c"],
                ExpectedShares = [0.2, 0.4, 0.4],
                Metrics = [new AnalysisMetric("revenue", MetricKind.Sum, MetricRole.Primary, MetricDirection.Increase)],
                Moments = new VariantMoments[,] { { new(10, 50, 250) }, { new(20, 120, 720) }, { new(0, 0, 0) } },
                ExposedUnits = [10, 20, 0],
                Hypothesis = new AnalysisHypothesis(0.1, true),
                Settings = Settings(sequential: true),
            },
        };

        foreach (var engine in new[] { AnalysisEngineKind.Frequentist, AnalysisEngineKind.Bayesian })
        {
            var doc = AnalysisBuilder.Build(input, new AnalysisOverrides(Engine: engine), Now);
            string json = JsonSerializer.Serialize(doc, AnalysisJsonContext.Default.AnalysisDocument);
            Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
            Assert.DoesNotContain("Infinity", json, StringComparison.Ordinal);
            Assert.NotEqual("ship", doc.Recommendation.Decision);
        }
    }

    [Fact]
    public void Bandit_diagnostics_list_weights_probabilities_units_and_history()
    {
        var input = new AnalysisInput
        {
            ExperimentKey = "bandit",
            Status = "running",
            VariantKeys = ["a", "b", "c"],
            ExpectedShares = [1.0 / 3, 1.0 / 3, 1.0 / 3],
            Metrics = [new AnalysisMetric("purchase", MetricKind.Binary, MetricRole.Primary, MetricDirection.Increase)],
            Moments = new VariantMoments[,] { { Binary(1000, 50) }, { Binary(1500, 90) }, { Binary(5000, 400) } },
            ExposedUnits = [1000, 1500, 5000],
            Bandit = new BanditState(BanditAlgorithm.Thompson, "purchase", [0.05, 0.1, 0.85], [new BanditWeightsAt(Now.AddMinutes(-1), [1.0 / 3, 1.0 / 3, 1.0 / 3])]),
        };
        var doc = AnalysisBuilder.Build(input, null, Now);
        Assert.Null(doc.Srm.PValue);
        Assert.False(doc.Srm.Flagged);
        var bandit = doc.Bandit!;
        Assert.Equal("thompson", bandit.Algorithm);
        Assert.Equal(0.85, bandit.Weights["c"]);
        Assert.Equal(5000, bandit.Units["c"]);
        Assert.True(bandit.ProbBest!["c"] > 0.9);
        Assert.True(bandit.CumulativeRegret > 0);
        Assert.Single(bandit.History);
        var root = Json(doc);
        Assert.Equal("2026-12-01T17:59:00.000Z", root.GetProperty("bandit").GetProperty("history")[0].GetProperty("t").GetString());
        Assert.True(root.GetProperty("bandit").GetProperty("prob_best").GetProperty("a").GetDouble() < 0.1);
    }

    /// <summary>Moments of n units with the given mean and sample variance.</summary>
    internal static VariantMoments Count(long n, double mean, double variance) => new(n, mean * n, (variance * (n - 1)) + (mean * mean * n));
}
