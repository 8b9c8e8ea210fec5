using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Assignment.Internal;

namespace Expothesis.Fast.Assignment;

/// <summary>
/// Assigns units to experiments, GrowthBook-style (API.md "Assignment"). Per call, in order: lifecycle
/// (<c>paused</c> / <c>not_running</c>); the hash attribute's value (<c>attributes[hash_attribute]</c>, where
/// <c>id</c> defaults to the user id; missing or empty is <c>missing_hash_attribute</c>); overrides; the stored
/// assignment of sticky and bandit experiments; the condition; the namespace; the bucket in the variant ranges
/// (else <c>not_in_coverage</c>). Units in the experiment are recorded as exposed when <c>expose</c> is set.
/// Allocation-free for ids and string attributes up to 128 characters.
/// </summary>
public sealed class Assigner
{
    private const int StackIdBytes = 256;

    private readonly IAssignmentRecorder _recorder;
    private readonly TimeProvider _time;

    /// <summary>Creates an assigner that reports exposures and looks up stored assignments through <paramref name="recorder"/>.</summary>
    public Assigner(IAssignmentRecorder recorder)
        : this(recorder, TimeProvider.System)
    {
    }

    /// <summary>As <see cref="Assigner(IAssignmentRecorder)"/>, with the clock used for exposure timestamps.</summary>
    public Assigner(IAssignmentRecorder recorder, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(time);
        _recorder = recorder;
        _time = time;
    }

    /// <summary>The recorder exposures go to.</summary>
    public IAssignmentRecorder Recorder => _recorder;

    /// <summary>Assigns <paramref name="userId"/> (with <paramref name="attributes"/>, which may be <c>default</c>) to <paramref name="target"/>.</summary>
    [SkipLocalsInit]
    public AssignmentResult Assign(AssignmentTarget target, string userId, JsonElement attributes, bool expose)
    {
        ArgumentNullException.ThrowIfNull(target);
        ExperimentStatus status = target.Status;
        if (status != ExperimentStatus.Running)
        {
            return AssignmentResult.None(status == ExperimentStatus.Paused ? AssignmentReason.Paused : AssignmentReason.NotRunning);
        }
        AssignmentRules rules = target.Rules;
        Span<char> scratch = stackalloc char[JsCoerce.ScratchChars];
        ReadOnlySpan<char> value = ResolveHashValue(rules.HashAttributeUtf8, rules.HashAttributeIsId, userId, attributes, scratch);
        if (value.IsEmpty)
        {
            return AssignmentResult.None(AssignmentReason.MissingHashAttribute);
        }
        if (rules.TryGetOverride(value, out int forced))
        {
            // Forced variants are not part of the analysis (GrowthBook reports them as not in the experiment).
            return new AssignmentResult(forced, false, AssignmentReason.Override, 0);
        }

        if (target.StoreAssignments)
        {
            ulong unitHash = UnitHash.Compute(value);
            if (_recorder.TryGetStoredVariant(target.Ordinal, unitHash, out int stored) && (uint)stored < (uint)target.VariantKeys.Count)
            {
                if (expose)
                {
                    Record(target, value, stored);
                }
                return new AssignmentResult(stored, true, target.IsBandit ? AssignmentReason.Bandit : AssignmentReason.Sticky, rules.Bucket(value));
            }
        }
        if (rules.Condition is { } condition && !condition.Evaluate(attributes, userId))
        {
            return AssignmentResult.None(AssignmentReason.ConditionFailed);
        }
        if (rules.HasNamespace)
        {
            double n = BucketHash.V1(rules.NamespaceSeed, value);
            if (!(n >= rules.NamespaceStart && n < rules.NamespaceEnd))
            {
                return AssignmentResult.None(AssignmentReason.NotInNamespace);
            }
        }
        double bucket = rules.Bucket(value);
        int variant = target.Weights.ChooseVariant(bucket, rules.Coverage);
        if (variant < 0)
        {
            return AssignmentResult.None(AssignmentReason.NotInCoverage, bucket);
        }
        if (expose)
        {
            Record(target, value, variant);
        }
        return new AssignmentResult(variant, true, target.IsBandit ? AssignmentReason.Bandit : AssignmentReason.Split, bucket);
    }

    /// <summary>
    /// The value hashed for a unit: <c>attributes[hashAttribute]</c> (a string, a non-zero number or <c>true</c>,
    /// stringified as JavaScript does), with <c>id</c> falling back to <paramref name="userId"/>; empty when missing.
    /// </summary>
    public static ReadOnlySpan<char> ResolveHashValue(string hashAttribute, string? userId, JsonElement attributes, Span<char> scratch)
    {
        ArgumentNullException.ThrowIfNull(hashAttribute);
        return ResolveHashValue(System.Text.Encoding.UTF8.GetBytes(hashAttribute), hashAttribute == "id", userId, attributes, scratch);
    }

    private static ReadOnlySpan<char> ResolveHashValue(ReadOnlySpan<byte> hashAttribute, bool isId, string? userId, JsonElement attributes, Span<char> scratch)
    {
        if (attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(hashAttribute, out JsonElement property))
        {
            switch (property.ValueKind)
            {
                case JsonValueKind.String:
                    return JsCoerce.GetChars(property, scratch);
                case JsonValueKind.Number:
                    var operand = new JsOperand(property);
                    return JsCoerce.IsTruthy(operand) ? JsCoerce.ToJsChars(operand, scratch) : default;
                case JsonValueKind.True:
                    return "true";
                case JsonValueKind.Null:
                    break;
                default:
                    return default;
            }
        }
        return isId ? userId.AsSpan() : default;
    }

    [SkipLocalsInit]
    private void Record(AssignmentTarget target, ReadOnlySpan<char> unitId, int variant)
    {
        int max = unitId.Length <= StackIdBytes / 3 ? StackIdBytes : Encoding.UTF8.GetByteCount(unitId);
        Span<byte> utf8 = max <= StackIdBytes ? stackalloc byte[StackIdBytes] : new byte[max];
        int n = Encoding.UTF8.GetBytes(unitId, utf8);
        ReadOnlySpan<byte> id = utf8[..n];
        _recorder.Record(target.Ordinal, UnitHash.Compute(id), id, variant, expose: true, store: target.StoreAssignments,
            ReferenceEquals(_time, TimeProvider.System) ? CoarseClock.UnixMs : _time.GetUtcNow().ToUnixTimeMilliseconds());
    }
}
