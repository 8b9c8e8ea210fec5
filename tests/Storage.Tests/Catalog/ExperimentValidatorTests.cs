using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Catalog;

public class ExperimentValidatorTests
{
    private static CatalogException Invalid(ExperimentSpec spec)
    {
        var ex = Assert.Throws<CatalogException>(() => ExperimentValidator.Validate(spec));
        Assert.Equal(CatalogErrorKind.Invalid, ex.Kind);
        return ex;
    }

    [Fact]
    public void A_valid_spec_gets_normalized_weights_and_defaults()
    {
        var v = ExperimentValidator.Validate(CatalogSpecs.Valid());
        Assert.Equal(0.25, v.Definition.Variants[0].Weight, 12);
        Assert.Equal(0.75, v.Definition.Variants[1].Weight, 12);
        Assert.Equal(0, v.Definition.ControlIndex);
        Assert.Equal(MetricKind.Sum, v.Definition.Metrics[1].Kind);
        Assert.Equal(MetricDirection.Increase, v.Definition.Metrics[1].Direction);
        Assert.Equal("checkout-button", v.Definition.Assignment.Seed);
        Assert.Equal("id", v.Definition.Assignment.HashAttribute);
        Assert.Equal(2, v.Definition.Assignment.HashVersion);
        Assert.Equal(Stats.CorrectionMethod.Holm, v.Definition.Analysis.Correction);
        Assert.Null(v.Definition.Bandit);
        Assert.Equal("binary", v.Normalized.Metrics![0].Kind);
    }

    [Fact]
    public void The_first_variant_is_the_control_when_none_is_marked()
    {
        var spec = CatalogSpecs.Valid() with
        {
            Variants = [new VariantSpec { Key = "a" }, new VariantSpec { Key = "b" }, new VariantSpec { Key = "c" }],
        };
        var v = ExperimentValidator.Validate(spec);
        Assert.Equal(0, v.Definition.ControlIndex);
        Assert.True(v.Definition.Variants[0].IsControl);
        Assert.All(v.Definition.Variants, x => Assert.Equal(1.0 / 3, x.Weight, 12));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("has space")]
    [InlineData("slash/no")]
    public void A_bad_key_is_named(string key)
        => Assert.Contains("key", Invalid(CatalogSpecs.Valid() with { Key = key }).Errors.Keys);

    [Fact]
    public void A_key_of_65_characters_is_rejected_and_64_accepted()
    {
        Assert.Contains("key", Invalid(CatalogSpecs.Valid() with { Key = new string('a', 65) }).Errors.Keys);
        Assert.Equal(64, ExperimentValidator.Validate(CatalogSpecs.Valid() with { Key = new string('a', 64) }).Key.Length);
    }

    [Fact]
    public void Missing_key_variants_and_metrics_are_each_named()
    {
        var ex = Invalid(new ExperimentSpec());
        Assert.Contains("key", ex.Errors.Keys);
        Assert.Contains("variants", ex.Errors.Keys);
        Assert.Contains("metrics", ex.Errors.Keys);
    }

    [Fact]
    public void One_variant_and_seventeen_variants_are_rejected()
    {
        Assert.Contains("variants", Invalid(CatalogSpecs.Valid() with { Variants = [new VariantSpec { Key = "a" }] }).Errors.Keys);
        var many = Enumerable.Range(0, 17).Select(i => new VariantSpec { Key = "v" + i }).ToArray();
        Assert.Contains("variants", Invalid(CatalogSpecs.Valid() with { Variants = many }).Errors.Keys);
        var sixteen = many[..16];
        Assert.Equal(16, ExperimentValidator.Validate(CatalogSpecs.Valid() with { Variants = sixteen }).Definition.Variants.Count);
    }

    [Fact]
    public void Duplicate_variant_keys_name_the_second_one()
    {
        var spec = CatalogSpecs.Valid() with { Variants = [new VariantSpec { Key = "a" }, new VariantSpec { Key = "a" }] };
        Assert.Contains("variants[1].key", Invalid(spec).Errors.Keys);
    }

    [Fact]
    public void Two_controls_are_rejected()
    {
        var spec = CatalogSpecs.Valid() with
        {
            Variants = [new VariantSpec { Key = "a", IsControl = true }, new VariantSpec { Key = "b", IsControl = true }],
        };
        Assert.Contains("variants", Invalid(spec).Errors.Keys);
    }

    [Fact]
    public void All_zero_weights_and_a_negative_weight_are_rejected()
    {
        var zero = CatalogSpecs.Valid() with { Variants = [new VariantSpec { Key = "a", Weight = 0 }, new VariantSpec { Key = "b", Weight = 0 }] };
        Assert.Contains("variants", Invalid(zero).Errors.Keys);
        var negative = CatalogSpecs.Valid() with { Variants = [new VariantSpec { Key = "a", Weight = -1 }, new VariantSpec { Key = "b", Weight = 2 }] };
        Assert.Contains("variants[0].weight", Invalid(negative).Errors.Keys);
        var nan = CatalogSpecs.Valid() with { Variants = [new VariantSpec { Key = "a", Weight = double.NaN }, new VariantSpec { Key = "b", Weight = 2 }] };
        Assert.Contains("variants[0].weight", Invalid(nan).Errors.Keys);
    }

    [Fact]
    public void A_zero_weight_next_to_a_positive_one_is_allowed()
    {
        var spec = CatalogSpecs.Valid() with { Variants = [new VariantSpec { Key = "a", Weight = 0 }, new VariantSpec { Key = "b", Weight = 2 }] };
        var v = ExperimentValidator.Validate(spec);
        Assert.Equal(0, v.Definition.Variants[0].Weight);
        Assert.Equal(1, v.Definition.Variants[1].Weight);
    }

    [Fact]
    public void Metric_rules_are_enforced()
    {
        Assert.Contains("metrics", Invalid(CatalogSpecs.Valid() with { Metrics = [] }).Errors.Keys);
        var many = Enumerable.Range(0, 33).Select(i => new MetricSpec { Name = "m" + i, Kind = "count" }).ToArray();
        Assert.Contains("metrics", Invalid(CatalogSpecs.Valid() with { Metrics = many }).Errors.Keys);
        var dup = new[] { new MetricSpec { Name = "m", Kind = "count" }, new MetricSpec { Name = "m", Kind = "sum" } };
        Assert.Contains("metrics[1].name", Invalid(CatalogSpecs.Valid() with { Metrics = dup }).Errors.Keys);
        var kind = new[] { new MetricSpec { Name = "m", Kind = "average" } };
        Assert.Contains("metrics[0].kind", Invalid(CatalogSpecs.Valid() with { Metrics = kind }).Errors.Keys);
        var noKind = new[] { new MetricSpec { Name = "m" } };
        Assert.Contains("metrics[0].kind", Invalid(CatalogSpecs.Valid() with { Metrics = noKind }).Errors.Keys);
        var role = new[] { new MetricSpec { Name = "m", Kind = "count", Role = "main" } };
        Assert.Contains("metrics[0].role", Invalid(CatalogSpecs.Valid() with { Metrics = role }).Errors.Keys);
        var direction = new[] { new MetricSpec { Name = "m", Kind = "count", Direction = "up" } };
        Assert.Contains("metrics[0].direction", Invalid(CatalogSpecs.Valid() with { Metrics = direction }).Errors.Keys);
        var twoPrimary = new[] { new MetricSpec { Name = "a", Kind = "count", Role = "primary" }, new MetricSpec { Name = "b", Kind = "count", Role = "primary" } };
        Assert.Contains("metrics[1].role", Invalid(CatalogSpecs.Valid() with { Metrics = twoPrimary }).Errors.Keys);
    }

    [Theory]
    [InlineData(0.0, 0.8, "hypothesis.alpha")]
    [InlineData(0.6, 0.8, "hypothesis.alpha")]
    [InlineData(0.05, 1.0, "hypothesis.power")]
    [InlineData(0.05, 0.0, "hypothesis.power")]
    public void Hypothesis_ranges_are_enforced(double alpha, double power, string field)
    {
        var spec = CatalogSpecs.Valid() with { Hypothesis = new HypothesisSpec { Alpha = alpha, Power = power } };
        Assert.Contains(field, Invalid(spec).Errors.Keys);
    }

    [Fact]
    public void A_non_positive_mde_is_rejected()
        => Assert.Contains("hypothesis.mde", Invalid(CatalogSpecs.Valid() with { Hypothesis = new HypothesisSpec { Mde = 0 } }).Errors.Keys);

    [Fact]
    public void Bandit_settings_are_validated_and_default_to_the_primary_metric()
    {
        var ok = ExperimentValidator.Validate(CatalogSpecs.Valid() with { Bandit = new BanditSpec { Algorithm = "thompson" } });
        Assert.Equal("purchase", ok.Definition.Bandit!.Metric);
        Assert.Equal(0, ok.Definition.Bandit.MetricIndex);
        Assert.Equal(100, ok.Definition.Bandit.MinUnitsPerArm);

        Assert.Contains("bandit.algorithm", Invalid(CatalogSpecs.Valid() with { Bandit = new BanditSpec { Algorithm = "greedy" } }).Errors.Keys);
        Assert.Contains("bandit.metric", Invalid(CatalogSpecs.Valid() with { Bandit = new BanditSpec { Algorithm = "ucb1", Metric = "nope" } }).Errors.Keys);
        Assert.Contains("bandit.epsilon", Invalid(CatalogSpecs.Valid() with { Bandit = new BanditSpec { Algorithm = "epsilon_greedy", Epsilon = 2 } }).Errors.Keys);
        Assert.Contains("bandit.update_interval_s", Invalid(CatalogSpecs.Valid() with { Bandit = new BanditSpec { Algorithm = "ucb1", UpdateIntervalS = 0 } }).Errors.Keys);
    }

    [Fact]
    public void Analysis_settings_are_validated()
    {
        Assert.Contains("analysis.engine", Invalid(CatalogSpecs.Valid() with { Analysis = new AnalysisSpec { Engine = "magic" } }).Errors.Keys);
        Assert.Contains("analysis.correction", Invalid(CatalogSpecs.Valid() with { Analysis = new AnalysisSpec { Correction = "bonferroni" } }).Errors.Keys);
        Assert.Contains("analysis.sequential_tuning", Invalid(CatalogSpecs.Valid() with { Analysis = new AnalysisSpec { SequentialTuning = -1 } }).Errors.Keys);
        var ok = ExperimentValidator.Validate(CatalogSpecs.Valid() with { Analysis = new AnalysisSpec { Engine = "bayesian", Correction = "benjamini_hochberg" } });
        Assert.Equal(AnalysisEngineKind.Bayesian, ok.Definition.Analysis.Engine);
    }

    [Fact]
    public void Assignment_settings_are_validated()
    {
        Assert.Contains("assignment.coverage", Invalid(CatalogSpecs.Valid() with { Assignment = new AssignmentSpec { Coverage = 1.5 } }).Errors.Keys);
        Assert.Contains("assignment.hash_version", Invalid(CatalogSpecs.Valid() with { Assignment = new AssignmentSpec { HashVersion = 3 } }).Errors.Keys);
        var overrides = new Dictionary<string, string> { ["qa"] = "purple" };
        Assert.Contains("assignment.overrides.qa", Invalid(CatalogSpecs.Valid() with { Assignment = new AssignmentSpec { Overrides = overrides } }).Errors.Keys);
        var ns = System.Text.Json.JsonDocument.Parse("[\"checkout\", 0.5, 0.2]").RootElement;
        Assert.Contains("assignment.namespace", Invalid(CatalogSpecs.Valid() with { Assignment = new AssignmentSpec { Namespace = ns } }).Errors.Keys);
        var condition = System.Text.Json.JsonDocument.Parse("[1]").RootElement;
        Assert.Contains("assignment.condition", Invalid(CatalogSpecs.Valid() with { Assignment = new AssignmentSpec { Condition = condition } }).Errors.Keys);

        var good = System.Text.Json.JsonDocument.Parse("[\"checkout\", 0, 0.5]").RootElement;
        var v = ExperimentValidator.Validate(CatalogSpecs.Valid() with { Assignment = new AssignmentSpec { Namespace = good } });
        Assert.Equal(("checkout", 0.0, 0.5), v.Definition.Assignment.Namespace);
    }
}
