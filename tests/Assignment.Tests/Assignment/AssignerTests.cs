using System.Text;
using System.Text.Json;
using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Assignment.Tests;

public sealed class AssignerTests
{
    private static readonly string[] s_variants = ["control", "green"];

    [Fact]
    public void Running_experiment_splits_by_the_version_2_hash()
    {
        var recorder = new RecordingRecorder();
        var assigner = new Assigner(recorder);
        AssignmentTarget target = Target(new AssignmentRulesSpec());
        int[] counts = new int[2];
        for (int i = 0; i < 2000; i++)
        {
            string user = "user-" + i;
            AssignmentResult result = assigner.Assign(target, user, default, expose: false);
            double bucket = BucketHash.V2("checkout-button", user);
            Assert.Equal(bucket, result.Bucket);
            Assert.Equal(bucket < 0.5 ? 0 : 1, result.VariantIndex);
            Assert.True(result.InExperiment);
            Assert.Equal(AssignmentReason.Split, result.Reason);
            counts[result.VariantIndex]++;
        }
        Assert.InRange(counts[0], 900, 1100);
        Assert.Empty(recorder.Records);
    }

    [Fact]
    public void The_seed_defaults_to_the_key_and_can_be_set()
    {
        var assigner = new Assigner(NullAssignmentRecorder.Instance);
        AssignmentTarget seeded = Target(new AssignmentRulesSpec { Seed = "other-seed" });
        Assert.Equal(BucketHash.V2("other-seed", "u-1"), assigner.Assign(seeded, "u-1", default, false).Bucket);
        AssignmentTarget v1 = Target(new AssignmentRulesSpec { HashVersion = 1 });
        Assert.Equal(BucketHash.V1("checkout-button", "u-1"), assigner.Assign(v1, "u-1", default, false).Bucket);
    }

    [Theory]
    [InlineData(ExperimentStatus.Paused, AssignmentReason.Paused)]
    [InlineData(ExperimentStatus.Draft, AssignmentReason.NotRunning)]
    [InlineData(ExperimentStatus.Stopped, AssignmentReason.NotRunning)]
    [InlineData(ExperimentStatus.Archived, AssignmentReason.NotRunning)]
    public void Experiment_that_is_not_running_assigns_nobody(ExperimentStatus status, AssignmentReason reason)
    {
        var recorder = new RecordingRecorder();
        AssignmentTarget target = Target(new AssignmentRulesSpec());
        target.Status = status;
        AssignmentResult result = new Assigner(recorder).Assign(target, "u-1", default, expose: true);
        Assert.Equal(new AssignmentResult(-1, false, reason, 0), result);
        Assert.Empty(recorder.Records);
    }

    [Fact]
    public void Exposure_is_recorded_only_when_in_the_experiment_and_asked()
    {
        var recorder = new RecordingRecorder();
        var assigner = new Assigner(recorder, new FixedTime(1_700_000_000_000));
        AssignmentTarget target = Target(new AssignmentRulesSpec());
        AssignmentResult result = assigner.Assign(target, "u-42", default, expose: true);
        Assert.True(result.InExperiment);
        RecordingRecorder.Call call = Assert.Single(recorder.Records);
        Assert.Equal(7, call.Experiment);
        Assert.Equal("u-42", call.UnitId);
        Assert.Equal(UnitHash.Compute("u-42"u8), call.UnitHash);
        Assert.Equal(result.VariantIndex, call.Variant);
        Assert.True(call.Expose);
        Assert.False(call.Store);
        Assert.Equal(1_700_000_000_000, call.TimestampMs);

        assigner.Assign(target, "u-43", default, expose: false);
        Assert.Single(recorder.Records);

        AssignmentTarget uncovered = Target(new AssignmentRulesSpec { Coverage = 0 });
        Assert.Equal(AssignmentReason.NotInCoverage, assigner.Assign(uncovered, "u-44", default, expose: true).Reason);
        Assert.Single(recorder.Records);
    }

    [Fact]
    public void Missing_or_empty_hash_attribute_is_reported()
    {
        var assigner = new Assigner(NullAssignmentRecorder.Instance);
        AssignmentTarget byDevice = Target(new AssignmentRulesSpec { HashAttribute = "device_id" });
        Assert.Equal(AssignmentReason.MissingHashAttribute, assigner.Assign(byDevice, "u-1", default, false).Reason);
        Assert.Equal(AssignmentReason.MissingHashAttribute, assigner.Assign(byDevice, "u-1", Json("""{"device_id":""}"""), false).Reason);
        Assert.Equal(AssignmentReason.MissingHashAttribute, assigner.Assign(byDevice, "u-1", Json("""{"device_id":null}"""), false).Reason);
        Assert.Equal(AssignmentReason.MissingHashAttribute, assigner.Assign(byDevice, "u-1", Json("""{"device_id":0}"""), false).Reason);

        AssignmentResult ok = assigner.Assign(byDevice, "u-1", Json("""{"device_id":"d-9"}"""), false);
        Assert.Equal(BucketHash.V2("checkout-button", "d-9"), ok.Bucket);
        AssignmentResult numeric = assigner.Assign(byDevice, "u-1", Json("""{"device_id":1234}"""), false);
        Assert.Equal(BucketHash.V2("checkout-button", "1234"), numeric.Bucket);

        AssignmentTarget byId = Target(new AssignmentRulesSpec());
        Assert.Equal(AssignmentReason.MissingHashAttribute, assigner.Assign(byId, "", default, false).Reason);
    }

    [Fact]
    public void Attribute_id_takes_precedence_over_the_user_id_and_is_the_recorded_unit()
    {
        var recorder = new RecordingRecorder();
        var assigner = new Assigner(recorder);
        AssignmentTarget target = Target(new AssignmentRulesSpec());
        AssignmentResult result = assigner.Assign(target, "u-1", Json("""{"id":"anon-7"}"""), expose: true);
        Assert.Equal(BucketHash.V2("checkout-button", "anon-7"), result.Bucket);
        Assert.Equal("anon-7", Assert.Single(recorder.Records).UnitId);
        AssignmentResult fallback = assigner.Assign(target, "u-1", Json("""{"id":null}"""), expose: false);
        Assert.Equal(BucketHash.V2("checkout-button", "u-1"), fallback.Bucket);
    }

    [Fact]
    public void Overrides_force_the_variant_without_exposure()
    {
        var recorder = new RecordingRecorder();
        var assigner = new Assigner(recorder);
        var spec = new AssignmentRulesSpec
        {
            Overrides = new Dictionary<string, string> { ["qa-user-1"] = "green", ["qa-user-2"] = "control" },
            Condition = JsonDocument.Parse("""{"country":"US"}""").RootElement,
        };
        AssignmentTarget target = Target(spec);
        Assert.Equal(new AssignmentResult(1, false, AssignmentReason.Override, 0), assigner.Assign(target, "qa-user-1", default, true));
        Assert.Equal(new AssignmentResult(0, false, AssignmentReason.Override, 0), assigner.Assign(target, "qa-user-2", default, true));
        Assert.Equal(AssignmentReason.ConditionFailed, assigner.Assign(target, "qa-user-3", default, true).Reason);
        Assert.Empty(recorder.Records);
    }

    [Fact]
    public void Condition_failure_comes_before_namespace_and_coverage()
    {
        var assigner = new Assigner(NullAssignmentRecorder.Instance);
        AssignmentTarget target = Target(new AssignmentRulesSpec
        {
            Condition = JsonDocument.Parse("""{"country":{"$in":["US","CA"]},"plan":"pro"}""").RootElement,
            Coverage = 0,
        });
        Assert.Equal(AssignmentReason.ConditionFailed, assigner.Assign(target, "u-1", Json("""{"country":"DE","plan":"pro"}"""), false).Reason);
        Assert.Equal(AssignmentReason.ConditionFailed, assigner.Assign(target, "u-1", default, false).Reason);
        Assert.Equal(AssignmentReason.NotInCoverage, assigner.Assign(target, "u-1", Json("""{"country":"CA","plan":"pro"}"""), false).Reason);
    }

    [Fact]
    public void Namespace_admits_only_units_hashing_into_its_range()
    {
        var assigner = new Assigner(NullAssignmentRecorder.Instance);
        AssignmentTarget low = Target(new AssignmentRulesSpec { Namespace = ("checkout", 0, 0.5) });
        AssignmentTarget high = Target(new AssignmentRulesSpec { Namespace = ("checkout", 0.5, 1) });
        int inLow = 0;
        for (int i = 0; i < 1000; i++)
        {
            string user = "user-" + i;
            double n = BucketHash.V1("__checkout", user);
            AssignmentResult a = assigner.Assign(low, user, default, false);
            AssignmentResult b = assigner.Assign(high, user, default, false);
            Assert.Equal(n < 0.5, a.InExperiment);
            Assert.Equal(n >= 0.5, b.InExperiment);
            Assert.Equal(n < 0.5 ? AssignmentReason.NotInNamespace : AssignmentReason.Split, b.Reason);
            Assert.Equal(n < 0.5 ? AssignmentReason.Split : AssignmentReason.NotInNamespace, a.Reason);
            inLow += a.InExperiment ? 1 : 0;
        }
        Assert.InRange(inLow, 420, 580);
    }

    [Fact]
    public void Coverage_keeps_the_uncovered_share_out()
    {
        var assigner = new Assigner(NullAssignmentRecorder.Instance);
        AssignmentTarget target = Target(new AssignmentRulesSpec { Coverage = 0.2 });
        for (int i = 0; i < 1000; i++)
        {
            AssignmentResult result = assigner.Assign(target, "user-" + i, default, false);
            double b = result.Bucket;
            bool covered = b < 0.1 || (b >= 0.5 && b < 0.6);
            Assert.Equal(covered, result.InExperiment);
            Assert.Equal(covered ? AssignmentReason.Split : AssignmentReason.NotInCoverage, result.Reason);
            Assert.Equal(covered ? (b < 0.5 ? 0 : 1) : -1, result.VariantIndex);
        }
    }

    [Fact]
    public void Sticky_experiment_reuses_the_stored_variant_and_stores_new_ones()
    {
        var recorder = new RecordingRecorder();
        var assigner = new Assigner(recorder);
        AssignmentTarget target = Target(new AssignmentRulesSpec { Sticky = true }, storeAssignments: true);
        string user = FindUser(b => b < 0.5);
        AssignmentResult first = assigner.Assign(target, user, default, expose: true);
        Assert.Equal(new AssignmentResult(0, true, AssignmentReason.Split, first.Bucket), first);
        Assert.True(Assert.Single(recorder.Records).Store);

        // The weights move everyone to variant 1, but the stored assignment wins.
        target.Weights.SetCurrent([0, 1]);
        AssignmentResult second = assigner.Assign(target, user, default, expose: true);
        Assert.Equal(new AssignmentResult(0, true, AssignmentReason.Sticky, first.Bucket), second);

        // Stored assignments also bypass a later failing condition (they were made when it held).
        string other = FindUser(b => b >= 0.5);
        Assert.Equal(AssignmentReason.Split, assigner.Assign(target, other, default, expose: true).Reason);
        Assert.Equal(1, recorder.Stored[UnitHash.Compute(Encoding.UTF8.GetBytes(other))]);
    }

    [Fact]
    public void Stored_variant_is_not_looked_up_for_stateless_experiments()
    {
        var recorder = new RecordingRecorder();
        recorder.Stored[UnitHash.Compute("u-1"u8)] = 1;
        AssignmentTarget target = Target(new AssignmentRulesSpec(), storeAssignments: false);
        AssignmentResult result = new Assigner(recorder).Assign(target, "u-1", default, false);
        Assert.Equal(AssignmentReason.Split, result.Reason);
        Assert.Equal(result.Bucket < 0.5 ? 0 : 1, result.VariantIndex);
    }

    [Fact]
    public void Stored_variant_out_of_range_is_ignored()
    {
        var recorder = new RecordingRecorder();
        recorder.Stored[UnitHash.Compute("u-1"u8)] = 5;
        AssignmentTarget target = Target(new AssignmentRulesSpec { Sticky = true }, storeAssignments: true);
        Assert.Equal(AssignmentReason.Split, new Assigner(recorder).Assign(target, "u-1", default, false).Reason);
    }

    [Fact]
    public void Bandit_experiment_reports_bandit_and_follows_current_weights()
    {
        var recorder = new RecordingRecorder();
        var assigner = new Assigner(recorder);
        AssignmentTarget target = Target(new AssignmentRulesSpec(), storeAssignments: true, isBandit: true);
        target.Weights.SetCurrent([0, 1]);
        AssignmentResult fresh = assigner.Assign(target, "u-1", default, expose: true);
        Assert.Equal(new AssignmentResult(1, true, AssignmentReason.Bandit, fresh.Bucket), fresh);
        target.Weights.SetCurrent([1, 0]);
        AssignmentResult again = assigner.Assign(target, "u-1", default, expose: true);
        Assert.Equal(1, again.VariantIndex);
        Assert.Equal(AssignmentReason.Bandit, again.Reason);
        Assert.Equal(0, assigner.Assign(target, "u-2", default, expose: false).VariantIndex);
    }

    [Fact]
    public void Status_changes_take_effect_on_the_next_call()
    {
        var assigner = new Assigner(NullAssignmentRecorder.Instance);
        AssignmentTarget target = Target(new AssignmentRulesSpec());
        Assert.True(assigner.Assign(target, "u", default, false).InExperiment);
        target.Status = ExperimentStatus.Paused;
        Assert.Equal(AssignmentReason.Paused, assigner.Assign(target, "u", default, false).Reason);
        target.Status = ExperimentStatus.Running;
        Assert.True(assigner.Assign(target, "u", default, false).InExperiment);
    }

    [Fact]
    public void Long_ids_and_attributes_are_handled()
    {
        var recorder = new RecordingRecorder();
        var assigner = new Assigner(recorder);
        string longId = new('x', 1000);
        AssignmentResult result = assigner.Assign(Target(new AssignmentRulesSpec()), longId, default, true);
        Assert.Equal(BucketHash.V2("checkout-button", longId), result.Bucket);
        Assert.Equal(longId, Assert.Single(recorder.Records).UnitId);
        AssignmentTarget byDevice = Target(new AssignmentRulesSpec { HashAttribute = "d" });
        string escaped = "a\\\"b" + new string('y', 300);
        AssignmentResult viaAttribute = assigner.Assign(byDevice, "u", Json("{\"d\":\"" + escaped + "\"}"), false);
        Assert.Equal(BucketHash.V2("checkout-button", "a\"b" + new string('y', 300)), viaAttribute.Bucket);
    }

    [Theory]
    [InlineData(AssignmentReason.Split, "split")]
    [InlineData(AssignmentReason.Override, "override")]
    [InlineData(AssignmentReason.Sticky, "sticky")]
    [InlineData(AssignmentReason.Bandit, "bandit")]
    [InlineData(AssignmentReason.ConditionFailed, "condition_failed")]
    [InlineData(AssignmentReason.NotInNamespace, "not_in_namespace")]
    [InlineData(AssignmentReason.NotInCoverage, "not_in_coverage")]
    [InlineData(AssignmentReason.MissingHashAttribute, "missing_hash_attribute")]
    [InlineData(AssignmentReason.Paused, "paused")]
    [InlineData(AssignmentReason.NotRunning, "not_running")]
    [InlineData(AssignmentReason.UnknownExperiment, "unknown_experiment")]
    public void Reasons_have_snake_case_wire_names(AssignmentReason reason, string wire)
    {
        Assert.Equal(wire, reason.ToWire());
    }

    private static string FindUser(Func<double, bool> predicate)
    {
        for (int i = 0; ; i++)
        {
            string user = "sticky-" + i;
            if (predicate(BucketHash.V2("checkout-button", user)))
            {
                return user;
            }
        }
    }

    internal static AssignmentTarget Target(AssignmentRulesSpec spec, bool storeAssignments = false, bool isBandit = false)
    {
        Assert.True(AssignmentRules.TryCompile(spec, "checkout-button", s_variants, out AssignmentRules? rules, out string? field, out string? message), field + ": " + message);
        return new AssignmentTarget(7, "checkout-button", rules!, new AllocationWeights([0.5, 0.5]), s_variants, storeAssignments)
        {
            IsBandit = isBandit,
            Status = ExperimentStatus.Running,
        };
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private sealed class FixedTime(long ms) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}

/// <summary>A recorder that keeps every call and stores assignments in a dictionary, like the engine's unit-state store.</summary>
internal sealed class RecordingRecorder : IAssignmentRecorder
{
    public sealed record Call(int Experiment, ulong UnitHash, string UnitId, int Variant, bool Expose, bool Store, long TimestampMs);

    public List<Call> Records { get; } = [];

    public Dictionary<ulong, int> Stored { get; } = [];

    public bool TryGetStoredVariant(int experiment, ulong unitHash, out int variant) => Stored.TryGetValue(unitHash, out variant);

    public void Record(int experiment, ulong unitHash, ReadOnlySpan<byte> unitIdUtf8, int variant, bool expose, bool store, long timestampMs)
    {
        Records.Add(new Call(experiment, unitHash, Encoding.UTF8.GetString(unitIdUtf8), variant, expose, store, timestampMs));
        if (store)
        {
            Stored.TryAdd(unitHash, variant);
        }
    }
}
