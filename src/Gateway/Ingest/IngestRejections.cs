using System.Buffers;
using System.Text.Json;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>
/// The per-event rejections of one request: exact counts per <see cref="RejectionCode"/>, and the
/// <see cref="MaxListed"/> rejections with the lowest event indexes, sorted by index, with messages.
/// Duplicates are counted (<see cref="Duplicates"/>) but neither listed nor counted as rejected.
/// Reusable: <see cref="Reset"/> empties it. Not thread-safe.
/// </summary>
public sealed class IngestRejections
{
    /// <summary>How many rejections are listed with their messages (API.md: at most 100).</summary>
    public const int MaxListed = 100;

    private static readonly int s_codeCount = Enum.GetValues<RejectionCode>().Length;

    private readonly int[] _counts = new int[s_codeCount];
    private readonly IngestRejection[] _listed = new IngestRejection[MaxListed];
    private int _listedCount;

    /// <summary>Events rejected (every code except <see cref="RejectionCode.Duplicate"/>).</summary>
    public int Rejected { get; private set; }

    /// <summary>Events dropped as repeated <c>event_id</c>s.</summary>
    public int Duplicates => _counts[(int)RejectionCode.Duplicate];

    /// <summary>The listed rejections, sorted by event index (at most <see cref="MaxListed"/>).</summary>
    public ReadOnlySpan<IngestRejection> Listed => _listed.AsSpan(0, _listedCount);

    /// <summary>The exact number of events rejected with <paramref name="code"/>.</summary>
    public int CountOf(RejectionCode code) => (uint)code < (uint)_counts.Length ? _counts[(int)code] : 0;

    /// <summary>
    /// True when a rejection of the event at <paramref name="index"/> would be listed (so building its
    /// message is worth it); false when only its count would change.
    /// </summary>
    public bool WillList(int index, RejectionCode code) =>
        code is not (RejectionCode.None or RejectionCode.Duplicate)
        && (_listedCount < MaxListed || index < _listed[MaxListed - 1].Index);

    /// <summary>
    /// Records a rejection of the event at <paramref name="index"/>. <paramref name="message"/> is
    /// kept only when the rejection is listed; when null a generic message is used.
    /// <see cref="RejectionCode.None"/> is ignored.
    /// </summary>
    public void Add(int index, RejectionCode code, string? message = null)
    {
        if (code == RejectionCode.None || (uint)code >= (uint)_counts.Length)
        {
            return;
        }
        _counts[(int)code]++;
        if (code == RejectionCode.Duplicate)
        {
            return;
        }
        Rejected++;
        if (!WillList(index, code))
        {
            return;
        }
        var entry = new IngestRejection(index, code, message ?? DefaultMessage(code));
        if (_listedCount == 0 || _listed[_listedCount - 1].Index <= index)
        {
            if (_listedCount < MaxListed)
            {
                _listed[_listedCount++] = entry;
                return;
            }
        }
        // Insert in index order; drop the highest index when full.
        int at = _listedCount;
        while (at > 0 && _listed[at - 1].Index > index)
        {
            at--;
        }
        int count = Math.Min(_listedCount, MaxListed - 1);
        Array.Copy(_listed, at, _listed, at + 1, count - at);
        _listed[at] = entry;
        _listedCount = count + 1;
    }

    /// <summary>Forgets everything (for reuse).</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        Array.Clear(_listed, 0, _listedCount);
        _listedCount = 0;
        Rejected = 0;
    }

    /// <summary>
    /// Writes the API.md batch response <c>{"accepted":..,"rejected":..,"duplicates":..,"errors":[{"index","code","message"}]}</c>.
    /// </summary>
    public void WriteResponse(Utf8JsonWriter writer, int accepted)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("accepted"u8, accepted);
        writer.WriteNumber("rejected"u8, Rejected);
        writer.WriteNumber("duplicates"u8, Duplicates);
        writer.WriteStartArray("errors"u8);
        foreach (ref readonly var r in Listed)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, r.Index);
            writer.WriteString("code"u8, r.Code.ToWire());
            writer.WriteString("message"u8, r.Message);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes the batch response (see <see cref="WriteResponse(Utf8JsonWriter, int)"/>) to <paramref name="output"/>.</summary>
    public void WriteResponse(IBufferWriter<byte> output, int accepted)
    {
        using var writer = new Utf8JsonWriter(output);
        WriteResponse(writer, accepted);
        writer.Flush();
    }

    private static string DefaultMessage(RejectionCode code) => code switch
    {
        RejectionCode.UnknownExperiment => "the experiment does not exist",
        RejectionCode.UnknownMetric => "the metric is not defined for the experiment",
        RejectionCode.UnknownVariant => "the variant is not defined for the experiment",
        RejectionCode.VariantMismatch => "the variant contradicts the unit's recorded variant",
        RejectionCode.NotExposed => "the unit has not been exposed to the experiment",
        RejectionCode.ExperimentNotRunning => "the experiment is not running",
        RejectionCode.ExperimentStopped => "the experiment is stopped",
        RejectionCode.InvalidValue => "a field has an invalid value",
        RejectionCode.MissingField => "a required field is missing",
        RejectionCode.FieldTooLong => "a field or the event is too long",
        _ => "the event was rejected",
    };
}
