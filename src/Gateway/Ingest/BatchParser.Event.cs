using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Gateway.Ingest.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Ingest;

// The fields of one event object: collected as they come (in any order, across reads), resolved at
// the object's end. Experiment, metric and variant names are kept unescaped in scratch slots;
// the user id and the event id go straight into the batch arena (rolled back if the event is rejected).
public sealed partial class BatchParser
{
    private const int SlotExperiment = 0;
    private const int SlotMetric = 1;
    private const int SlotVariant = 2;

    private EventField _field;
    private long _eventStart;
    private int _arenaMark;
    private int _experimentLength;
    private int _metricLength;
    private int _variantLength;
    private int _userIdOffset;
    private int _userIdLength;
    private int _eventIdOffset;
    private int _eventIdLength;
    private double _value;
    private long _timestampMs;
    private bool _isExposure;
    private RejectionCode _pending;
    private EventField _pendingField;

    // The last name resolved per slot: events of a batch mostly repeat their experiment, metric and variant,
    // and a byte compare is cheaper than a hash look-up. Valid for one body (one schema).
    private readonly ResolvedName _lastExperiment;
    private readonly ResolvedName _lastMetric;
    private readonly ResolvedName _lastVariant;

    private void StartEventFields()
    {
        _arenaMark = _batch!.ArenaLength;
        _experimentLength = -1;
        _metricLength = -1;
        _variantLength = -1;
        _slotsFromLast = 0;
        _userIdLength = -1;
        _userIdOffset = 0;
        _eventIdLength = 0;
        _eventIdOffset = 0;
        _value = 1;
        _timestampMs = _receiveTimeMs;
        _isExposure = false;
        _pending = RejectionCode.None;
        _pendingField = EventField.Unknown;
    }

    private Span<byte> Slot(int slot) => _scratch.AsSpan(slot * _slotBytes, _slotBytes);

    // A slot whose bit is set holds no copy: its value is the bytes of the slot's last resolved name.
    private int _slotsFromLast;

    private ReadOnlySpan<byte> SlotValue(int slot, int length) =>
        (_slotsFromLast & (1 << slot)) != 0 ? LastName(slot).Bytes[..length] : _scratch.AsSpan(slot * _slotBytes, length);

    private ResolvedName LastName(int slot) => slot switch
    {
        SlotExperiment => _lastExperiment,
        SlotMetric => _lastMetric,
        _ => _lastVariant,
    };

    /// <summary>
    /// Takes a name field's value into its slot: when it is the slot's last resolved name (the common case) only
    /// its length is kept, else it is copied (unescaped). -1 (and a pending rejection) when it cannot be.
    /// </summary>
    private int TakeName(ref Utf8JsonReader reader, int slot, EventField field)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence && LastName(slot).Matches(reader.ValueSpan))
        {
            _slotsFromLast |= 1 << slot;
            return reader.ValueSpan.Length;
        }
        _slotsFromLast &= ~(1 << slot);
        return CopyId(ref reader, Slot(slot), field);
    }

    private EventField ClassifyProperty(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return EventFields.Classify(reader.ValueSpan);
        }
        long raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        int capacity = MaxEscapeRatio * EventFields.MaxNameBytes;
        if (raw > capacity)
        {
            return EventField.Unknown;
        }
        Span<byte> name = _scratch.AsSpan(3 * _slotBytes + TimestampRegionBytes, capacity);
        return TryCopy(ref reader, name, out int n) ? EventFields.Classify(name[..n]) : EventField.Unknown;
    }

    private void OnValue(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            if (_field != EventField.Unknown)
            {
                Invalid(RejectionCode.InvalidValue, _field);
            }
            _skipDepth = 1;
            _state = ParserState.EventSkip;
            return;
        }
        _state = ParserState.InEvent;
        if (token == JsonTokenType.Null)
        {
            return;
        }
        switch (_field)
        {
            case EventField.Experiment:
                _experimentLength = TakeName(ref reader, SlotExperiment, EventField.Experiment);
                break;
            case EventField.Metric:
                _metricLength = TakeName(ref reader, SlotMetric, EventField.Metric);
                break;
            case EventField.Variant:
                _variantLength = TakeName(ref reader, SlotVariant, EventField.Variant);
                break;
            case EventField.UserId:
                _userIdLength = CopyIdToArena(ref reader, EventField.UserId, out _userIdOffset);
                break;
            case EventField.EventId:
                _eventIdLength = Math.Max(0, CopyIdToArena(ref reader, EventField.EventId, out _eventIdOffset));
                break;
            case EventField.Value:
                if (token == JsonTokenType.Number && TryGetDouble(ref reader, out double value))
                {
                    _value = value;
                }
                else
                {
                    Invalid(RejectionCode.InvalidValue, EventField.Value);
                }
                break;
            case EventField.Type:
                if (token == JsonTokenType.String && reader.ValueTextEquals("exposure"u8))
                {
                    _isExposure = true;
                }
                else if (token == JsonTokenType.String && reader.ValueTextEquals("metric"u8))
                {
                    _isExposure = false;
                }
                else
                {
                    Invalid(RejectionCode.InvalidValue, EventField.Type);
                }
                break;
            case EventField.Timestamp:
                OnTimestamp(ref reader, token);
                break;
            default:
                break;
        }
    }

    private void OnTimestamp(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (token == JsonTokenType.Number)
        {
            if (TryGetInt64(ref reader, out long ms) && ms is >= Rfc3339.MinEpochMs and <= Rfc3339.MaxEpochMs)
            {
                _timestampMs = ms;
                return;
            }
        }
        else if (token == JsonTokenType.String)
        {
            if (!reader.ValueIsEscaped && !reader.HasValueSequence)
            {
                if (Rfc3339.TryParse(reader.ValueSpan, out long ms))
                {
                    _timestampMs = ms;
                    return;
                }
            }
            else
            {
                long raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                Span<byte> text = _scratch.AsSpan(3 * _slotBytes, TimestampRegionBytes);
                if (raw <= TimestampRegionBytes && TryCopy(ref reader, text, out int n) && Rfc3339.TryParse(text[..n], out long ms))
                {
                    _timestampMs = ms;
                    return;
                }
            }
        }
        Invalid(RejectionCode.InvalidValue, EventField.Timestamp);
    }

    // Utf8JsonReader.TryGetDouble/TryGetInt64 copy a number that spans segments with ToArray();
    // numbers split by a segment boundary are parsed from scratch instead.
    private bool TryGetDouble(ref Utf8JsonReader reader, out double value)
    {
        if (!reader.HasValueSequence)
        {
            // Most values are small integers: exact as a double, and much cheaper than a floating-point parse.
            if (TryParseInteger(reader.ValueSpan, out long integer))
            {
                value = integer;
                return true;
            }
            return reader.TryGetDouble(out value) && double.IsFinite(value);
        }
        var sequence = reader.ValueSequence;
        if (sequence.Length > TimestampRegionBytes)
        {
            return reader.TryGetDouble(out value) && double.IsFinite(value);
        }
        Span<byte> text = _scratch.AsSpan(3 * _slotBytes, (int)sequence.Length);
        sequence.CopyTo(text);
        return Utf8Parser.TryParse(text, out value, out int used) && used == text.Length && double.IsFinite(value);
    }

    private bool TryGetInt64(ref Utf8JsonReader reader, out long value)
    {
        if (!reader.HasValueSequence)
        {
            return TryParseInteger(reader.ValueSpan, out value) || reader.TryGetInt64(out value);
        }
        var sequence = reader.ValueSequence;
        if (sequence.Length > TimestampRegionBytes)
        {
            value = 0;
            return false;
        }
        Span<byte> text = _scratch.AsSpan(3 * _slotBytes, (int)sequence.Length);
        sequence.CopyTo(text);
        return Utf8Parser.TryParse(text, out value, out int used) && used == text.Length;
    }

    /// <summary>
    /// Parses a JSON number token of at most 15 digits with no fraction or exponent (so exact as a double);
    /// false for anything else, which the caller parses the general way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseInteger(ReadOnlySpan<byte> token, out long value)
    {
        value = 0;
        int i = token.Length > 0 && token[0] == (byte)'-' ? 1 : 0;
        if (token.Length - i is < 1 or > 15)
        {
            return false;
        }
        long v = 0;
        for (; i < token.Length; i++)
        {
            uint digit = (uint)(token[i] - '0');
            if (digit > 9)
            {
                return false;
            }
            v = (v * 10) + digit;
        }
        if (token[0] == (byte)'-')
        {
            // "-0" must stay the double -0.0: left to the general parse.
            value = -v;
            return v != 0;
        }
        value = v;
        return true;
    }

    /// <summary>Copies a string (unescaped) or number token into <paramref name="destination"/>; -1 (and a pending rejection) when it cannot.</summary>
    private int CopyId(ref Utf8JsonReader reader, Span<byte> destination, EventField field)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
        {
            Invalid(RejectionCode.InvalidValue, field);
            return -1;
        }
        long raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (raw > destination.Length)
        {
            Invalid(RejectionCode.FieldTooLong, field);
            return -1;
        }
        if (!TryCopy(ref reader, destination, out int n))
        {
            Invalid(RejectionCode.InvalidValue, field);
            return -1;
        }
        if (n > _maxIdBytes)
        {
            Invalid(RejectionCode.FieldTooLong, field);
            return -1;
        }
        return n;
    }

    private int CopyIdToArena(ref Utf8JsonReader reader, EventField field, out int offset)
    {
        long raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        int reserve = (int)Math.Min(raw, _slotBytes);
        Span<byte> destination = _batch!.ReserveBytes(reserve, out offset);
        int n = raw > _slotBytes ? TooLong(field) : CopyId(ref reader, destination, field);
        _batch.TrimArena(offset + Math.Max(n, 0));
        return n;
    }

    private int TooLong(EventField field)
    {
        Invalid(RejectionCode.FieldTooLong, field);
        return -1;
    }

    private static bool TryCopy(ref Utf8JsonReader reader, Span<byte> destination, out int written)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
        {
            try
            {
                written = reader.CopyString(destination);
                return true;
            }
            catch (InvalidOperationException)
            {
                // An escape that does not decode to valid UTF-16 (a lone surrogate).
                written = 0;
                return false;
            }
        }
        if (reader.HasValueSequence)
        {
            var sequence = reader.ValueSequence;
            sequence.CopyTo(destination);
            written = (int)sequence.Length;
            return true;
        }
        reader.ValueSpan.CopyTo(destination);
        written = reader.ValueSpan.Length;
        return true;
    }

    private void Invalid(RejectionCode code, EventField field)
    {
        if (_pending == RejectionCode.None)
        {
            _pending = code;
            _pendingField = field;
        }
    }

    private void EndEvent(ref Utf8JsonReader reader)
    {
        int index = _eventIndex++;
        var batch = _batch!;
        long size = _bufferBase + reader.BytesConsumed - _eventStart;
        RejectionCode code = _pending;
        EventField field = _pendingField;
        if (size > _maxEventBytes)
        {
            code = RejectionCode.FieldTooLong;
            field = EventField.Unknown;
        }
        int experiment = -1;
        int metric = EventRecord.ExposureMetric;
        int variant = EventRecord.NoVariant;
        if (code == RejectionCode.None)
        {
            code = Resolve(out experiment, out metric, out variant, out field);
        }
        if (code != RejectionCode.None)
        {
            batch.TrimArena(_arenaMark);
            Reject(index, code, field);
            return;
        }
        int record = batch.Count;
        ref EventRecord r = ref batch.Add();
        r.Experiment = experiment;
        r.Metric = (short)metric;
        r.Variant = (short)variant;
        r.Value = _isExposure ? 0 : _value;
        r.TimestampMs = _timestampMs;
        r.UnitIdOffset = _userIdOffset;
        r.UnitIdLength = _userIdLength;
        r.UnitHash = UnitHash.Compute(batch.Arena.Slice(_userIdOffset, _userIdLength));
        r.EventIdOffset = _eventIdOffset;
        r.EventIdLength = _eventIdLength;
        r.EventIdHash = _eventIdLength > 0 ? ComputeEventIdHash(batch.Arena.Slice(_eventIdOffset, _eventIdLength)) : 0;
        if (record == _recordIndexes.Length)
        {
            Array.Resize(ref _recordIndexes, record * 2);
        }
        _recordIndexes[record] = index;
    }

    private RejectionCode Resolve(out int experiment, out int metric, out int variant, out EventField field)
    {
        experiment = -1;
        metric = EventRecord.ExposureMetric;
        variant = EventRecord.NoVariant;
        field = EventField.Unknown;
        if (_experimentLength < 0)
        {
            field = EventField.Experiment;
            return RejectionCode.MissingField;
        }
        if (_userIdLength <= 0)
        {
            field = EventField.UserId;
            return RejectionCode.MissingField;
        }
        if (!_isExposure && _metricLength < 0)
        {
            field = EventField.Metric;
            return RejectionCode.MissingField;
        }
        var schema = _schema!;
        var experimentName = SlotValue(SlotExperiment, _experimentLength);
        if (!_lastExperiment.TryGet(experimentName, 0, out experiment))
        {
            if (!schema.TryGetExperiment(experimentName, out experiment))
            {
                return RejectionCode.UnknownExperiment;
            }
            _lastExperiment.Set(experimentName, 0, experiment);
        }
        switch (schema.GetStatus(experiment))
        {
            case ExperimentStatus.Running:
                break;
            case ExperimentStatus.Paused:
                if (_isExposure)
                {
                    return RejectionCode.ExperimentNotRunning;
                }
                break;
            case ExperimentStatus.Draft:
                return RejectionCode.ExperimentNotRunning;
            case ExperimentStatus.Stopped:
                return RejectionCode.ExperimentStopped;
            default:
                return RejectionCode.UnknownExperiment;
        }
        if (!_isExposure)
        {
            var metricName = SlotValue(SlotMetric, _metricLength);
            if (!_lastMetric.TryGet(metricName, experiment, out metric))
            {
                metric = schema.GetMetric(experiment, metricName);
                _lastMetric.Set(metricName, experiment, metric);
            }
            if (metric < 0 || metric > short.MaxValue)
            {
                field = EventField.Metric;
                return RejectionCode.UnknownMetric;
            }
        }
        if (_variantLength >= 0)
        {
            var variantName = SlotValue(SlotVariant, _variantLength);
            if (!_lastVariant.TryGet(variantName, experiment, out variant))
            {
                variant = schema.GetVariant(experiment, variantName);
                _lastVariant.Set(variantName, experiment, variant);
            }
            if (variant < 0 || variant > short.MaxValue)
            {
                field = EventField.Variant;
                return RejectionCode.UnknownVariant;
            }
        }
        return RejectionCode.None;
    }

    /// <summary>The <see cref="EventRecord.EventIdHash"/> of an event id (never 0, which means "none").</summary>
    public static ulong ComputeEventIdHash(ReadOnlySpan<byte> eventIdUtf8)
    {
        ulong h = UnitHash.XxHash64(eventIdUtf8, EventIdSeed);
        return h == 0 ? 1 : h;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Reject(int index, RejectionCode code, EventField field)
    {
        var rejections = _rejections!;
        if (!rejections.WillList(index, code))
        {
            rejections.Add(index, code);
            return;
        }
        rejections.Add(index, code, RejectionMessage(code, field));
    }

    private string RejectionMessage(RejectionCode code, EventField field)
    {
        string name = EventFields.WireName(field);
        return code switch
        {
            RejectionCode.MissingField => $"field '{name}' is required",
            RejectionCode.FieldTooLong => field == EventField.Unknown
                ? $"the event is larger than {_maxEventBytes} bytes"
                : $"field '{name}' is longer than {_maxIdBytes} bytes",
            RejectionCode.InvalidValue => field switch
            {
                EventField.Value => "field 'value' must be a finite number",
                EventField.Timestamp => "field 'timestamp' must be an RFC 3339 string or epoch milliseconds",
                EventField.Type => "field 'type' must be \"metric\" or \"exposure\"",
                _ => $"field '{name}' must be a string",
            },
            RejectionCode.UnknownExperiment => $"experiment '{SlotText(SlotExperiment, _experimentLength)}' does not exist",
            RejectionCode.UnknownMetric => $"metric '{SlotText(SlotMetric, _metricLength)}' is not defined for experiment '{SlotText(SlotExperiment, _experimentLength)}'",
            RejectionCode.UnknownVariant => $"variant '{SlotText(SlotVariant, _variantLength)}' is not defined for experiment '{SlotText(SlotExperiment, _experimentLength)}'",
            RejectionCode.ExperimentNotRunning => _isExposure && _schema!.TryGetExperiment(SlotValue(SlotExperiment, _experimentLength), out int e) && _schema.GetStatus(e) == ExperimentStatus.Paused
                ? $"experiment '{SlotText(SlotExperiment, _experimentLength)}' is paused and takes no exposures"
                : $"experiment '{SlotText(SlotExperiment, _experimentLength)}' is not running",
            RejectionCode.ExperimentStopped => $"experiment '{SlotText(SlotExperiment, _experimentLength)}' is stopped",
            _ => code.ToWire(),
        };
    }

    private string SlotText(int slot, int length) =>
        length <= 0 ? string.Empty : Encoding.UTF8.GetString(SlotValue(slot, Math.Min(length, 64)));
}
