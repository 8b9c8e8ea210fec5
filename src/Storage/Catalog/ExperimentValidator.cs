using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Stats;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Catalog;

/// <summary>The result of validating an <see cref="ExperimentSpec"/>.</summary>
/// <param name="Key">The experiment key.</param>
/// <param name="Definition">The validated definition.</param>
/// <param name="Normalized">The spec with every default filled in and the weights normalized (what is stored).</param>
/// <param name="Rules">The compiled assignment section.</param>
public sealed record ValidatedExperiment(string Key, ExperimentDefinition Definition, ExperimentSpec Normalized, AssignmentRules Rules);

/// <summary>
/// Validates experiment specs (API.md "Experiments"): every error names its field with a snake_case
/// path (<c>variants[2].weight</c>) so the gateway can answer 400 problem+json listing them.
/// </summary>
public static partial class ExperimentValidator
{
    /// <summary>Most variants per experiment.</summary>
    public const int MaxVariants = 16;

    /// <summary>Most metrics per experiment.</summary>
    public const int MaxMetrics = 32;

    /// <summary>Longest experiment key, variant key or metric name.</summary>
    public const int MaxKeyLength = 64;

    private const int MaxNameLength = 200;
    private const int MaxTextLength = 4000;

    [GeneratedRegex("^[a-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExperimentKeyPattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>Validates <paramref name="spec"/>; throws <see cref="CatalogException"/> (Invalid) naming every bad field.</summary>
    public static ValidatedExperiment Validate(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        string key = spec.Key ?? "";
        if (spec.Key is null)
        {
            Add(errors, "key", "is required");
        }
        else if (!ExperimentKeyPattern().IsMatch(spec.Key))
        {
            Add(errors, "key", "must be 1-64 characters of [a-z0-9._-]");
        }

        string name = string.IsNullOrWhiteSpace(spec.Name) ? key : spec.Name.Trim();
        CheckLength(errors, "name", name, MaxNameLength);
        string description = spec.Description ?? "";
        CheckLength(errors, "description", description, MaxTextLength);

        var hypothesis = ValidateHypothesis(spec.Hypothesis, errors);
        var (variants, controlIndex) = ValidateVariants(spec.Variants, errors);
        var metrics = ValidateMetrics(spec.Metrics, errors);
        var analysis = ValidateAnalysis(spec.Analysis, errors);
        var bandit = ValidateBandit(spec.Bandit, metrics, errors);
        var assignment = ValidateAssignment(spec.Assignment, key, variants, errors);

        AssignmentRules? rules = null;
        if (errors.Count == 0 && assignment is not null && variants is not null)
        {
            var variantKeys = new string[variants.Length];
            for (int i = 0; i < variants.Length; i++)
            {
                variantKeys[i] = variants[i].Key;
            }
            if (!AssignmentRules.TryCompile(assignment, key, variantKeys, out rules, out string? errorField, out string? errorMessage) || rules is null)
            {
                string field = errorField is null ? "assignment"
                    : errorField.StartsWith("assignment", StringComparison.Ordinal) ? errorField : "assignment." + errorField;
                Add(errors, field, errorMessage ?? "is invalid");
            }
        }

        if (errors.Count > 0)
        {
            var final = new Dictionary<string, string[]>(errors.Count, StringComparer.Ordinal);
            foreach (var (field, messages) in errors)
            {
                final[field] = [.. messages];
            }
            string first = string.Join("; ", final.Select(static e => e.Key + " " + e.Value[0]));
            throw new CatalogException(CatalogErrorKind.Invalid, "The experiment definition is invalid: " + first + ".", final);
        }

        var definition = new ExperimentDefinition(name, description, hypothesis!, variants!, controlIndex, metrics!, assignment!, analysis!, bandit);
        var normalized = Normalize(key, definition);
        return new ValidatedExperiment(key, definition, normalized, rules!);
    }

    private static HypothesisSettings? ValidateHypothesis(HypothesisSpec? h, Dictionary<string, List<string>> errors)
    {
        h ??= new HypothesisSpec();
        CheckLength(errors, "hypothesis.null", h.Null, MaxTextLength);
        CheckLength(errors, "hypothesis.alternative", h.Alternative, MaxTextLength);
        if (h.Mde is { } mde && !(double.IsFinite(mde) && mde > 0))
        {
            Add(errors, "hypothesis.mde", "must be a finite number > 0");
        }
        double alpha = h.Alpha ?? 0.05;
        if (!(alpha > 0 && alpha <= 0.5))
        {
            Add(errors, "hypothesis.alpha", "must be in (0, 0.5]");
        }
        double power = h.Power ?? 0.8;
        if (!(power > 0 && power < 1))
        {
            Add(errors, "hypothesis.power", "must be in (0, 1)");
        }
        return new HypothesisSettings(h.Null, h.Alternative, h.Mde, h.MdeRelative ?? false, alpha, power);
    }

    private static (VariantDefinition[]? Variants, int ControlIndex) ValidateVariants(IReadOnlyList<VariantSpec>? specs, Dictionary<string, List<string>> errors)
    {
        if (specs is null)
        {
            Add(errors, "variants", "is required");
            return (null, 0);
        }
        if (specs.Count < 2 || specs.Count > MaxVariants)
        {
            Add(errors, "variants", $"must have 2-{MaxVariants} entries (got {specs.Count})");
            return (null, 0);
        }

        int errorCount = errors.Count;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        int withWeight = 0;
        int controls = 0;
        int controlIndex = 0;
        double total = 0;
        for (int i = 0; i < specs.Count; i++)
        {
            var v = specs[i];
            string prefix = $"variants[{i}]";
            if (v is null)
            {
                Add(errors, prefix, "must be an object");
                continue;
            }
            if (v.Key is null)
            {
                Add(errors, prefix + ".key", "is required");
            }
            else if (!NamePattern().IsMatch(v.Key))
            {
                Add(errors, prefix + ".key", "must be 1-64 characters of [A-Za-z0-9._:-]");
            }
            else if (!keys.Add(v.Key))
            {
                Add(errors, prefix + ".key", $"duplicates the variant key '{v.Key}'");
            }
            CheckLength(errors, prefix + ".name", v.Name, MaxNameLength);
            if (v.Weight is { } w)
            {
                withWeight++;
                if (!(double.IsFinite(w) && w >= 0))
                {
                    Add(errors, prefix + ".weight", "must be a finite number >= 0");
                }
                else
                {
                    total += w;
                }
            }
            if (v.IsControl == true)
            {
                controls++;
                controlIndex = i;
            }
        }
        if (withWeight != 0 && withWeight != specs.Count)
        {
            for (int i = 0; i < specs.Count; i++)
            {
                if (specs[i] is { Weight: null })
                {
                    Add(errors, $"variants[{i}].weight", "is required when another variant sets a weight");
                }
            }
        }
        else if (withWeight == specs.Count && total <= 0 && errors.Count == errorCount)
        {
            Add(errors, "variants", "weights must not all be zero");
        }
        if (controls > 1)
        {
            Add(errors, "variants", "exactly one variant may have is_control = true");
        }
        if (errors.Count != errorCount)
        {
            return (null, 0);
        }

        var variants = new VariantDefinition[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            var v = specs[i];
            double weight = withWeight == 0 ? 1.0 / specs.Count : v.Weight!.Value / total;
            string variantName = string.IsNullOrWhiteSpace(v.Name) ? v.Key! : v.Name.Trim();
            variants[i] = new VariantDefinition(v.Key!, variantName, weight, i == controlIndex);
        }
        return (variants, controlIndex);
    }

    private static MetricDefinition[]? ValidateMetrics(IReadOnlyList<MetricSpec>? specs, Dictionary<string, List<string>> errors)
    {
        if (specs is null)
        {
            Add(errors, "metrics", "is required");
            return null;
        }
        if (specs.Count < 1 || specs.Count > MaxMetrics)
        {
            Add(errors, "metrics", $"must have 1-{MaxMetrics} entries (got {specs.Count})");
            return null;
        }
        int errorCount = errors.Count;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var metrics = new MetricDefinition[specs.Count];
        int primaries = 0;
        for (int i = 0; i < specs.Count; i++)
        {
            var m = specs[i];
            string prefix = $"metrics[{i}]";
            if (m is null)
            {
                Add(errors, prefix, "must be an object");
                continue;
            }
            if (m.Name is null)
            {
                Add(errors, prefix + ".name", "is required");
            }
            else if (!NamePattern().IsMatch(m.Name))
            {
                Add(errors, prefix + ".name", "must be 1-64 characters of [A-Za-z0-9._:-]");
            }
            else if (!names.Add(m.Name))
            {
                Add(errors, prefix + ".name", $"duplicates the metric name '{m.Name}'");
            }

            MetricKind kind = MetricKind.Binary;
            if (m.Kind is null)
            {
                Add(errors, prefix + ".kind", "is required (binary, count or sum)");
            }
            else if (!CatalogNames.TryParseKind(m.Kind, out kind))
            {
                Add(errors, prefix + ".kind", $"must be binary, count or sum (got '{m.Kind}')");
            }
            MetricRole role = MetricRole.Secondary;
            if (m.Role is not null && !CatalogNames.TryParseRole(m.Role, out role))
            {
                Add(errors, prefix + ".role", $"must be primary, secondary or guardrail (got '{m.Role}')");
            }
            if (role == MetricRole.Primary && ++primaries > 1)
            {
                Add(errors, prefix + ".role", "at most one metric may be primary");
            }
            MetricDirection direction = MetricDirection.Increase;
            if (m.Direction is not null && !CatalogNames.TryParseDirection(m.Direction, out direction))
            {
                Add(errors, prefix + ".direction", $"must be increase or decrease (got '{m.Direction}')");
            }
            metrics[i] = new MetricDefinition(m.Name ?? "", kind, role, direction);
        }
        return errors.Count == errorCount ? metrics : null;
    }

    private static AnalysisSettings ValidateAnalysis(AnalysisSpec? a, Dictionary<string, List<string>> errors)
    {
        a ??= new AnalysisSpec();
        var engine = AnalysisEngineKind.Frequentist;
        if (a.Engine is not null && !CatalogNames.TryParseEngine(a.Engine, out engine))
        {
            Add(errors, "analysis.engine", $"must be frequentist or bayesian (got '{a.Engine}')");
        }
        double tuning = a.SequentialTuning ?? 5000;
        if (!(double.IsFinite(tuning) && tuning > 0))
        {
            Add(errors, "analysis.sequential_tuning", "must be a finite number > 0");
        }
        var correction = CorrectionMethod.Holm;
        if (a.Correction is not null && !CatalogNames.TryParseCorrection(a.Correction, out correction))
        {
            Add(errors, "analysis.correction", $"must be none, holm or benjamini_hochberg (got '{a.Correction}')");
        }
        return new AnalysisSettings(engine, a.Sequential ?? false, tuning, correction);
    }

    private static BanditSettings? ValidateBandit(BanditSpec? b, MetricDefinition[]? metrics, Dictionary<string, List<string>> errors)
    {
        if (b is null)
        {
            return null;
        }
        var algorithm = BanditAlgorithm.Thompson;
        if (b.Algorithm is null)
        {
            Add(errors, "bandit.algorithm", "is required (thompson, ucb1 or epsilon_greedy)");
        }
        else if (!CatalogNames.TryParseBandit(b.Algorithm, out algorithm))
        {
            Add(errors, "bandit.algorithm", $"must be thompson, ucb1 or epsilon_greedy (got '{b.Algorithm}')");
        }
        string metric = "";
        int metricIndex = -1;
        if (metrics is not null)
        {
            if (b.Metric is null)
            {
                for (int i = 0; i < metrics.Length; i++)
                {
                    if (metrics[i].Role == MetricRole.Primary)
                    {
                        metricIndex = i;
                    }
                }
                if (metricIndex < 0)
                {
                    Add(errors, "bandit.metric", "is required when no metric is primary");
                }
            }
            else
            {
                for (int i = 0; i < metrics.Length; i++)
                {
                    if (string.Equals(metrics[i].Name, b.Metric, StringComparison.Ordinal))
                    {
                        metricIndex = i;
                    }
                }
                if (metricIndex < 0)
                {
                    Add(errors, "bandit.metric", $"'{b.Metric}' is not one of the experiment's metrics");
                }
            }
            if (metricIndex >= 0)
            {
                metric = metrics[metricIndex].Name;
            }
        }
        double epsilon = b.Epsilon ?? 0.1;
        if (!(epsilon >= 0 && epsilon <= 1))
        {
            Add(errors, "bandit.epsilon", "must be in [0, 1]");
        }
        int minUnits = b.MinUnitsPerArm ?? 100;
        if (minUnits < 0)
        {
            Add(errors, "bandit.min_units_per_arm", "must be >= 0");
        }
        double interval = b.UpdateIntervalS ?? 10;
        if (!(interval >= 0.1 && interval <= 86_400))
        {
            Add(errors, "bandit.update_interval_s", "must be in [0.1, 86400]");
        }
        return new BanditSettings(algorithm, metric, metricIndex, epsilon, minUnits, interval);
    }

    private static AssignmentRulesSpec? ValidateAssignment(AssignmentSpec? a, string key, VariantDefinition[]? variants, Dictionary<string, List<string>> errors)
    {
        a ??= new AssignmentSpec();
        int errorCount = errors.Count;
        double coverage = a.Coverage ?? 1;
        if (!(coverage >= 0 && coverage <= 1))
        {
            Add(errors, "assignment.coverage", "must be in [0, 1]");
        }
        string seed = a.Seed ?? key;
        CheckLength(errors, "assignment.seed", seed, 256);
        string hashAttribute = a.HashAttribute ?? "id";
        if (hashAttribute.Length is 0 or > 128)
        {
            Add(errors, "assignment.hash_attribute", "must be 1-128 characters");
        }
        int hashVersion = a.HashVersion ?? 2;
        if (hashVersion is not (1 or 2))
        {
            Add(errors, "assignment.hash_version", "must be 1 or 2");
        }
        JsonElement? condition = null;
        if (a.Condition is { } c && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind != JsonValueKind.Object)
            {
                Add(errors, "assignment.condition", "must be an object or null");
            }
            else
            {
                condition = c.Clone();
            }
        }
        (string Name, double Start, double End)? ns = null;
        if (a.Namespace is { } n && n.ValueKind != JsonValueKind.Null)
        {
            if (n.ValueKind == JsonValueKind.Array && n.GetArrayLength() == 3
                && n[0].ValueKind == JsonValueKind.String && n[1].ValueKind == JsonValueKind.Number && n[2].ValueKind == JsonValueKind.Number)
            {
                string nsName = n[0].GetString()!;
                double start = n[1].GetDouble();
                double end = n[2].GetDouble();
                if (nsName.Length is 0 or > 128)
                {
                    Add(errors, "assignment.namespace", "the name must be 1-128 characters");
                }
                else if (!(start >= 0 && start < end && end <= 1))
                {
                    Add(errors, "assignment.namespace", "needs 0 <= start < end <= 1");
                }
                else
                {
                    ns = (nsName, start, end);
                }
            }
            else
            {
                Add(errors, "assignment.namespace", "must be [name, start, end] or null");
            }
        }
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        if (a.Overrides is not null)
        {
            foreach (var (unit, variant) in a.Overrides)
            {
                if (variants is not null && !variants.Any(v => string.Equals(v.Key, variant, StringComparison.Ordinal)))
                {
                    Add(errors, $"assignment.overrides.{unit}", $"'{variant}' is not a variant key");
                }
                else
                {
                    overrides[unit] = variant;
                }
            }
        }
        if (errors.Count != errorCount)
        {
            return null;
        }
        return new AssignmentRulesSpec
        {
            Coverage = coverage,
            Seed = seed,
            HashAttribute = hashAttribute,
            HashVersion = hashVersion,
            Condition = condition,
            Namespace = ns,
            Sticky = a.Sticky ?? false,
            Overrides = overrides,
        };
    }

    private static ExperimentSpec Normalize(string key, ExperimentDefinition d)
    {
        var a = d.Assignment;
        JsonElement? ns = null;
        if (a.Namespace is { } n)
        {
            ns = JsonSerializer.SerializeToElement(new object[] { n.Name, n.Start, n.End }, CatalogJson.Options);
        }
        return new ExperimentSpec
        {
            Key = key,
            Name = d.Name,
            Description = d.Description,
            Hypothesis = new HypothesisSpec
            {
                Null = d.Hypothesis.Null,
                Alternative = d.Hypothesis.Alternative,
                Mde = d.Hypothesis.Mde,
                MdeRelative = d.Hypothesis.MdeRelative,
                Alpha = d.Hypothesis.Alpha,
                Power = d.Hypothesis.Power,
            },
            Variants = [.. d.Variants.Select(static v => new VariantSpec { Key = v.Key, Name = v.Name, Weight = v.Weight, IsControl = v.IsControl })],
            Metrics = [.. d.Metrics.Select(static m => new MetricSpec
            {
                Name = m.Name,
                Kind = CatalogNames.ToWire(m.Kind),
                Role = CatalogNames.ToWire(m.Role),
                Direction = CatalogNames.ToWire(m.Direction),
            })],
            Assignment = new AssignmentSpec
            {
                Coverage = a.Coverage,
                Seed = a.Seed,
                HashAttribute = a.HashAttribute,
                HashVersion = a.HashVersion,
                Condition = a.Condition,
                Namespace = ns,
                Sticky = a.Sticky,
                Overrides = new Dictionary<string, string>(a.Overrides, StringComparer.Ordinal),
            },
            Analysis = new AnalysisSpec
            {
                Engine = CatalogNames.ToWire(d.Analysis.Engine),
                Sequential = d.Analysis.Sequential,
                SequentialTuning = d.Analysis.SequentialTuning,
                Correction = CatalogNames.ToWire(d.Analysis.Correction),
            },
            Bandit = d.Bandit is not { } b ? null : new BanditSpec
            {
                Algorithm = CatalogNames.ToWire(b.Algorithm),
                Metric = b.Metric,
                Epsilon = b.Epsilon,
                MinUnitsPerArm = b.MinUnitsPerArm,
                UpdateIntervalS = b.UpdateIntervalS,
            },
        };
    }

    private static void CheckLength(Dictionary<string, List<string>> errors, string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(errors, field, string.Create(CultureInfo.InvariantCulture, $"must be at most {max} characters"));
        }
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }
        list.Add(message);
    }
}
