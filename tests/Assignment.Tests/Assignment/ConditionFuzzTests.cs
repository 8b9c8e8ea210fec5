using System.Text;
using System.Text.Json;
using Expothesis.Fast.Assignment;
using Xunit.Abstractions;

namespace Expothesis.Fast.Assignment.Tests;

/// <summary>Random conditions against random attributes: compiling and evaluating never throws.</summary>
public sealed class ConditionFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] s_operators =
    [
        "$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$in", "$nin", "$ini", "$nini", "$all", "$alli", "$elemMatch",
        "$size", "$exists", "$type", "$regex", "$regexi", "$not", "$and", "$or", "$nor", "$veq", "$vne", "$vgt",
        "$vgte", "$vlt", "$vlte", "$inGroup", "$bogus", "$",
    ];

    private static readonly string[] s_keys = ["a", "b", "a.b", "tags", "v", "id", "0", "a.0", "", "x.y.z", "$groups"];

    private static readonly string[] s_strings =
    [
        "", "a", "US", "1.2.3", "v1.0.0-beta.2+build", "10", "-5", " 7 ", "0x1F", "Infinity", "null", "true",
        "(unclosed", "^a.*$", "[z-a]", "\\", "é\u00e9", "\ud83d\ude00", "1e400", "1.0.0--", "...", "+", "-",
    ];

    [Fact]
    public void Random_conditions_never_throw()
    {
        int seed = Environment.TickCount;
        output.WriteLine("seed " + seed);
        var random = new Random(seed);
        int matched = 0;
        for (int i = 0; i < 3000; i++)
        {
            string condition = RandomCondition(random, 0);
            string attributes = RandomObject(random, 0);
            try
            {
                using JsonDocument conditionDocument = JsonDocument.Parse(condition);
                using JsonDocument attributesDocument = JsonDocument.Parse(attributes);
                Assert.True(TargetingCondition.TryCompile(conditionDocument.RootElement, out TargetingCondition? compiled, out _));
                matched += compiled!.Evaluate(attributesDocument.RootElement) ? 1 : 0;
                matched += compiled.Evaluate(attributesDocument.RootElement, "user-" + i) ? 1 : 0;
                matched += compiled.Evaluate(default) ? 1 : 0;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {seed}, iteration {i}: {e.GetType().Name} {e.Message}\ncondition {condition}\nattributes {attributes}");
            }
        }
        output.WriteLine("matched " + matched);
    }

    [Fact]
    public void Random_rules_assign_without_throwing()
    {
        int seed = Environment.TickCount;
        output.WriteLine("seed " + seed);
        var random = new Random(seed);
        var assigner = new Assigner(NullAssignmentRecorder.Instance);
        string[] variants = ["a", "b", "c"];
        for (int i = 0; i < 500; i++)
        {
            using JsonDocument condition = JsonDocument.Parse(RandomCondition(random, 0));
            using JsonDocument attributes = JsonDocument.Parse(RandomObject(random, 0));
            var spec = new AssignmentRulesSpec
            {
                Coverage = (random.NextDouble() * 1.4) - 0.2,
                HashVersion = random.Next(1, 3),
                HashAttribute = s_keys[random.Next(s_keys.Length)] is { Length: > 0 } key ? key : "id",
                Condition = condition.RootElement,
                Namespace = random.Next(3) == 0 ? ("ns", 0.2, 0.7) : null,
            };
            Assert.True(AssignmentRules.TryCompile(spec, "exp", variants, out AssignmentRules? rules, out _, out _), $"seed {seed}, iteration {i}");
            var target = new AssignmentTarget(0, "exp", rules!, new AllocationWeights([random.NextDouble(), random.NextDouble(), random.NextDouble()]), variants, false)
            {
                Status = ExperimentStatus.Running,
            };
            AssignmentResult result = assigner.Assign(target, "user-" + i, attributes.RootElement, expose: true);
            Assert.Equal(result.InExperiment, result.VariantIndex >= 0);
            Assert.InRange(result.Bucket, 0, 1);
        }
    }

    private static string RandomCondition(Random random, int depth)
    {
        var sb = new StringBuilder("{");
        int clauses = random.Next(0, 4);
        for (int i = 0; i < clauses; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            int pick = random.Next(10);
            if (pick == 0 && depth < 4)
            {
                string op = random.Next(3) switch { 0 => "$and", 1 => "$or", _ => "$nor" };
                sb.Append('"').Append(op).Append("\":[");
                int n = random.Next(0, 3);
                for (int j = 0; j < n; j++)
                {
                    sb.Append(j > 0 ? "," : string.Empty).Append(random.Next(8) == 0 ? RandomValue(random, depth + 1) : RandomCondition(random, depth + 1));
                }
                sb.Append(']');
            }
            else if (pick == 1 && depth < 4)
            {
                sb.Append("\"$not\":").Append(random.Next(6) == 0 ? RandomValue(random, depth + 1) : RandomCondition(random, depth + 1));
            }
            else
            {
                sb.Append(JsonSerializer.Serialize(s_keys[random.Next(s_keys.Length)])).Append(':').Append(RandomConditionValue(random, depth + 1));
            }
        }
        return sb.Append('}').ToString();
    }

    private static string RandomConditionValue(Random random, int depth)
    {
        if (random.Next(3) == 0 || depth > 4)
        {
            return RandomValue(random, depth);
        }
        var sb = new StringBuilder("{");
        int n = random.Next(1, 3);
        for (int i = 0; i < n; i++)
        {
            string op = s_operators[random.Next(s_operators.Length)];
            sb.Append(i > 0 ? "," : string.Empty).Append('"').Append(op).Append("\":");
            sb.Append(op switch
            {
                "$not" or "$size" or "$elemMatch" when random.Next(2) == 0 => RandomConditionValue(random, depth + 1),
                "$elemMatch" => RandomCondition(random, depth + 1),
                "$and" or "$or" or "$nor" => "[" + RandomCondition(random, depth + 1) + "]",
                _ => RandomValue(random, depth + 1),
            });
        }
        return sb.Append('}').ToString();
    }

    private static string RandomValue(Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 6 : 8))
        {
            case 0:
                return "null";
            case 1:
                return random.Next(2) == 0 ? "true" : "false";
            case 2:
                return random.Next(4) switch
                {
                    0 => random.Next(-10, 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    1 => (random.NextDouble() * 1000).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    2 => "1e308",
                    _ => "-0.0000001",
                };
            case 3:
            case 4:
            case 5:
                return JsonSerializer.Serialize(s_strings[random.Next(s_strings.Length)]);
            case 6:
                var sb = new StringBuilder("[");
                int n = random.Next(0, 4);
                for (int i = 0; i < n; i++)
                {
                    sb.Append(i > 0 ? "," : string.Empty).Append(RandomValue(random, depth + 1));
                }
                return sb.Append(']').ToString();
            default:
                return RandomObject(random, depth + 1);
        }
    }

    private static string RandomObject(Random random, int depth)
    {
        var sb = new StringBuilder("{");
        int n = random.Next(0, 5);
        for (int i = 0; i < n; i++)
        {
            sb.Append(i > 0 ? "," : string.Empty)
                .Append(JsonSerializer.Serialize(s_keys[random.Next(s_keys.Length)]))
                .Append(':')
                .Append(RandomValue(random, depth + 1));
        }
        return sb.Append('}').ToString();
    }
}
