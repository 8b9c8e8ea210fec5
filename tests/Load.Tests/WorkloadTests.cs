using System.Text;
using System.Text.Json;
using Expothesis.Fast.Load.Http;
using Expothesis.Fast.Load.Scenarios;
using Expothesis.Fast.Load.Workload;

namespace Expothesis.Fast.Load.Tests;

public sealed class WorkloadTests
{
    [Fact]
    public void Generated_batches_are_valid_json_with_consistent_variants_per_user()
    {
        var experiments = WorkloadPlan.Experiments("load", 3, 4, 3);
        var batches = new BodyFactory(experiments, 1000, 1).EventBatches(8, 250, 0.1, eventIds: true);
        var seen = new Dictionary<(string, string), string>();
        var exposures = 0;
        foreach (var batch in batches)
        {
            using var doc = JsonDocument.Parse(batch);
            var events = doc.RootElement.GetProperty("events");
            Assert.Equal(250, events.GetArrayLength());
            foreach (var e in events.EnumerateArray())
            {
                var key = (e.GetProperty("experiment").GetString()!, e.GetProperty("user_id").GetString()!);
                var variant = e.GetProperty("variant").GetString()!;
                Assert.Equal(seen.GetValueOrDefault(key, variant), variant);
                seen[key] = variant;
                Assert.True(e.TryGetProperty("event_id", out _));
                if (e.GetProperty("type").GetString() == "exposure")
                {
                    exposures++;
                    Assert.False(e.TryGetProperty("metric", out _));
                }
                else
                {
                    var metric = e.GetProperty("metric").GetString()!;
                    Assert.Contains(metric, experiments[0].Metrics.Select(m => m.Name));
                    Assert.True(double.IsFinite(e.GetProperty("value").GetDouble()));
                }
            }
        }

        Assert.InRange(exposures, 100, 300);
    }

    [Fact]
    public void Experiment_definitions_have_one_control_and_one_primary_metric()
    {
        var spec = WorkloadPlan.Experiments("x", 1, 3, 2)[0];
        using var doc = JsonDocument.Parse(spec.ToCreateJson(0.1, mdeRelative: true, sequential: true));
        var root = doc.RootElement;
        Assert.Equal("x-0", root.GetProperty("key").GetString());
        Assert.Single(root.GetProperty("variants").EnumerateArray(), v => v.GetProperty("is_control").GetBoolean());
        Assert.Single(root.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("role").GetString() == "primary");
        Assert.True(root.GetProperty("analysis").GetProperty("sequential").GetBoolean());
        Assert.Equal(0.1, root.GetProperty("hypothesis").GetProperty("mde").GetDouble());
    }

    [Fact]
    public void Assign_bodies_name_the_requested_number_of_experiments()
    {
        var experiments = WorkloadPlan.Experiments("load", 4, 1, 2);
        foreach (var body in new BodyFactory(experiments, 100, 3).AssignBodies(20, 3, expose: true))
        {
            using var doc = JsonDocument.Parse(body);
            Assert.Equal(3, doc.RootElement.GetProperty("experiments").GetArrayLength());
            Assert.True(doc.RootElement.GetProperty("expose").GetBoolean());
            Assert.StartsWith("u-", doc.RootElement.GetProperty("user_id").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ingest_responses_yield_accepted_and_rejected_counts()
    {
        var json = """{"accepted":498,"rejected":2,"duplicates":0,"errors":[{"index":3,"code":"unknown_metric","accepted":7}]}"""u8;
        Assert.Equal((498L, 2L), LoadHttpClient.ParseCounts(json));
        Assert.Equal((0L, 0L), LoadHttpClient.ParseCounts("not json"u8));
    }

    [Fact]
    public void Assignment_responses_yield_the_variant_only_when_in_the_experiment()
    {
        Assert.Equal("green", Simulator.ParseVariant("""{"user_id":"u","assignments":[{"experiment":"e","variant":"green","in_experiment":true,"reason":"split"}]}"""u8));
        Assert.Null(Simulator.ParseVariant("""{"user_id":"u","assignments":[{"experiment":"e","variant":null,"in_experiment":false,"reason":"paused"}]}"""u8));
    }

    [Fact]
    public void The_simulator_reads_rows_and_the_decision_from_an_analysis_document()
    {
        const string json = """
            { "experiment": "c", "srm": { "p_value": 0.83 },
              "metrics": [ { "name": "purchase", "variants": [
                  { "variant": "control", "units": 1000, "mean": 0.1 }, { "variant": "green", "units": 1010, "mean": 0.12 } ],
                "comparisons": [ { "variant": "green", "relative_lift": 0.2, "relative_lift_ci": [0.01, 0.39], "p_value": 0.035 } ] } ],
              "recommendation": { "decision": "ship", "variant": "green", "reason": "..." } }
            """;
        var view = AnalysisView.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal("ship", view.Decision);
        Assert.Equal("green", view.DecisionVariant);
        Assert.Equal(2, view.Rows.Count);
        Assert.Equal("+20.0%", view.Rows[1].Lift);
        Assert.Equal("[+1.0%, +39.0%]", view.Rows[1].LiftCi);
        Assert.Equal("0.0350", view.Rows[1].P);
        Assert.Equal("", view.Rows[0].Lift);
    }
}
