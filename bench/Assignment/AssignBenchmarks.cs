using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Bench.Assignment;

/// <summary>
/// In-process assignment of one unit to a 2-variant experiment (issue 2: at most 150 ns and 0 bytes for
/// the unconditioned case). Exposure goes to a recorder that records nothing, so this measures assignment
/// itself: hash-attribute lookup, GrowthBook v2 hash, condition, range lookup, the exposure call.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class AssignBenchmarks
{
    private const int UsersPerInvoke = 64;

    private static readonly string[] s_variants = ["control", "green"];

    private readonly string[] _users = new string[UsersPerInvoke];
    private Assigner _assigner = null!;
    private AssignmentTarget _plain = null!;
    private AssignmentTarget _conditioned = null!;
    private JsonDocument _attributes = null!;

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < _users.Length; i++)
        {
            _users[i] = "user-" + (1_000_003 * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        _assigner = new Assigner(NullAssignmentRecorder.Instance);
        _plain = Target(new AssignmentRulesSpec());
        using JsonDocument condition = JsonDocument.Parse("""{"country":{"$in":["US","CA"]},"plan":"pro","age":{"$gte":18}}""");
        _conditioned = Target(new AssignmentRulesSpec { Condition = condition.RootElement });
        _attributes = JsonDocument.Parse("""{"country":"US","plan":"pro","age":34,"browser":"firefox"}""");
    }

    [GlobalCleanup]
    public void Cleanup() => _attributes.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = UsersPerInvoke)]
    public int Unconditioned()
    {
        int sum = 0;
        foreach (string user in _users)
        {
            sum += _assigner.Assign(_plain, user, default, expose: true).VariantIndex;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = UsersPerInvoke)]
    public int ThreeClauseCondition()
    {
        int sum = 0;
        JsonElement attributes = _attributes.RootElement;
        foreach (string user in _users)
        {
            sum += _assigner.Assign(_conditioned, user, attributes, expose: true).VariantIndex;
        }
        return sum;
    }

    private static AssignmentTarget Target(AssignmentRulesSpec spec)
    {
        if (!AssignmentRules.TryCompile(spec, "checkout-button", s_variants, out AssignmentRules? rules, out string? field, out string? message))
        {
            throw new InvalidOperationException(field + ": " + message);
        }
        return new AssignmentTarget(0, "checkout-button", rules!, new AllocationWeights([0.5, 0.5]), s_variants, storeAssignments: false)
        {
            Status = ExperimentStatus.Running,
        };
    }
}
