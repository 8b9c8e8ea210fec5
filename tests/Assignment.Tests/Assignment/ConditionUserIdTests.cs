using System.Text.Json;
using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Assignment.Tests;

/// <summary><c>attributes.id</c> defaults to the user id (API.md "Assignment"), for conditions too.</summary>
public sealed class ConditionUserIdTests
{
    [Theory]
    [InlineData("""{"id":"u-1"}""", "", true)]
    [InlineData("""{"id":{"$in":["u-1","u-2"]}}""", "", true)]
    [InlineData("""{"id":{"$nin":["u-1","u-2"]}}""", "", false)]
    [InlineData("""{"id":{"$regex":"^u-"}}""", "", true)]
    [InlineData("""{"id":{"$type":"string"}}""", "", true)]
    [InlineData("""{"id":{"$eq":"u-1"}}""", "", true)]
    [InlineData("""{"id":{"$gt":"u-0"}}""", "", true)]
    [InlineData("""{"id":{"$exists":true}}""", "", true)]
    [InlineData("""{"id":true}""", "", true)]
    [InlineData("""{"id":"u-1"}""", """{"id":"anon-9"}""", false)]
    [InlineData("""{"id":"anon-9"}""", """{"id":"anon-9"}""", true)]
    [InlineData("""{"id":"u-1"}""", """{"id":null}""", true)]
    [InlineData("""{"id":"u-1"}""", """{"plan":"pro"}""", true)]
    public void The_user_id_stands_in_for_a_missing_id_attribute(string condition, string attributes, bool expected)
    {
        TargetingCondition compiled = TargetingCondition.Parse(condition);
        if (attributes.Length == 0)
        {
            Assert.Equal(expected, compiled.Evaluate(default, "u-1"));
            return;
        }
        using JsonDocument document = JsonDocument.Parse(attributes);
        Assert.Equal(expected, compiled.Evaluate(document.RootElement, "u-1"));
    }

    [Fact]
    public void Without_a_user_id_a_missing_id_is_null()
    {
        Assert.False(TargetingCondition.Parse("""{"id":{"$exists":true}}""").Evaluate(default));
    }

    [Fact]
    public void Assigner_targets_on_the_user_id()
    {
        var assigner = new Assigner(NullAssignmentRecorder.Instance);
        AssignmentTarget target = AssignerTests.Target(new AssignmentRulesSpec
        {
            Condition = JsonDocument.Parse("""{"id":{"$in":["vip-1"]}}""").RootElement,
        });
        Assert.True(assigner.Assign(target, "vip-1", default, false).InExperiment);
        Assert.Equal(AssignmentReason.ConditionFailed, assigner.Assign(target, "other", default, false).Reason);
    }
}

public sealed class ConditionConcurrencyTests
{
    [Fact]
    public void A_compiled_condition_is_evaluated_safely_from_many_threads()
    {
        TargetingCondition condition = TargetingCondition.Parse(
            """{"country":{"$in":["US","CA","DE","FR","GB","NL"]},"ua":{"$regex":"Mobile"},"v":{"$vgte":"2.0.0"},"tags":{"$elemMatch":{"$eq":"beta"}}}""");
        using JsonDocument pass = JsonDocument.Parse("""{"country":"NL","ua":"Android Mobile","v":"2.1.0","tags":["a","beta"]}""");
        using JsonDocument fail = JsonDocument.Parse("""{"country":"NL","ua":"Desktop","v":"2.1.0","tags":["a","beta"]}""");
        int wrong = 0;
        Parallel.For(0, 20_000, i =>
        {
            bool expected = i % 2 == 0;
            if (condition.Evaluate(expected ? pass.RootElement : fail.RootElement) != expected)
            {
                Interlocked.Increment(ref wrong);
            }
        });
        Assert.Equal(0, wrong);
    }
}
