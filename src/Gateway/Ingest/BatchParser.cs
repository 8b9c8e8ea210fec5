using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Expothesis.Fast.Gateway.Ingest.Internal;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>
/// The zero-allocation event batch parser. Reads a request body from a <see cref="PipeReader"/> with
/// a resumable <see cref="Utf8JsonReader"/> (its <see cref="JsonReaderState"/> is carried across
/// reads, so any segmentation of the body gives the same result), resolves experiment, metric and
/// variant names from their UTF-8 bytes through the <see cref="IIngestSchema"/>, copies unit ids and
/// event ids into the <see cref="EventBatch"/> arena, and appends one <see cref="EventRecord"/> per
/// valid event. Invalid events go to the <see cref="IngestRejections"/> with their body index.
/// Only rejections allocate (their messages). Reusable: call <see cref="Reset"/> per request.
/// Not thread-safe.
/// </summary>
public sealed partial class BatchParser
{
    /// <summary>The XXH64 seed of <see cref="EventRecord.EventIdHash"/> (unit hashes use seed 0).</summary>
    public const ulong EventIdSeed = 0x9E37_79B9_7F4A_7C15UL;

    // Unescaping never shrinks input by more than 6x (\u00XX -> one byte).
    private const int MaxEscapeRatio = 6;
    private const int TimestampRegionBytes = 64;

    private readonly long _maxBodyBytes;
    private readonly int _maxEvents;
    private readonly int _maxEventBytes;
    private readonly int _maxIdBytes;
    private readonly int _maxDepth;
    private readonly int _slotBytes;
    private readonly byte[] _scratch;
    private int[] _recordIndexes = new int[256];

    private IIngestSchema? _schema;
    private EventBatch? _batch;
    private IngestRejections? _rejections;
    private BatchFormat _format;
    private long _receiveTimeMs;

    private JsonReaderState _readerState;
    private ParserState _state;
    private bool _rootIsArray;
    private bool _sawEvents;
    private int _skipDepth;
    private long _bufferBase;
    private long _lines;
    private long _lineStart;
    private int _eventIndex;
    private ParseOutcome _outcome;

    /// <summary>Creates a parser for the given limits (read once, here).</summary>
    public BatchParser(GatewayLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _maxBodyBytes = limits.MaxBodyBytes;
        _maxEvents = limits.MaxEventsPerBatch;
        _maxEventBytes = limits.MaxEventBytes;
        _maxIdBytes = limits.MaxIdBytes;
        _maxDepth = limits.MaxDepth;
        _slotBytes = _maxIdBytes * MaxEscapeRatio;
        _scratch = new byte[3 * _slotBytes + TimestampRegionBytes + MaxEscapeRatio * EventFields.MaxNameBytes];
        _lastExperiment = new ResolvedName(_maxIdBytes);
        _lastMetric = new ResolvedName(_maxIdBytes);
        _lastVariant = new ResolvedName(_maxIdBytes);
    }

    /// <summary>For record <c>i</c> of the batch, the index of its event in the request body.</summary>
    public ReadOnlySpan<int> RecordEventIndexes => _recordIndexes.AsSpan(0, _batch?.Count ?? 0);

    /// <summary>
    /// Prepares the parser for one body. Clears <paramref name="batch"/> and <paramref name="rejections"/>;
    /// records are appended to the batch, rejections to <paramref name="rejections"/>.
    /// </summary>
    /// <param name="schema">The catalog snapshot to resolve names with (held for the whole body).</param>
    /// <param name="batch">Receives the valid events.</param>
    /// <param name="rejections">Receives the invalid events.</param>
    /// <param name="format">The body's shape.</param>
    /// <param name="receiveTimeMs">The timestamp of events that carry none (epoch ms).</param>
    public void Reset(IIngestSchema schema, EventBatch batch, IngestRejections rejections, BatchFormat format, long receiveTimeMs)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rejections);
        _schema = schema;
        _batch = batch;
        _rejections = rejections;
        _format = format;
        _receiveTimeMs = receiveTimeMs;
        batch.Clear();
        batch.UnitHashesFromIds = true;
        rejections.Reset();
        _lastExperiment.Clear();
        _lastMetric.Clear();
        _lastVariant.Clear();
        _readerState = new JsonReaderState(new JsonReaderOptions
        {
            MaxDepth = _maxDepth,
            AllowMultipleValues = format == BatchFormat.Ndjson,
            CommentHandling = JsonCommentHandling.Disallow,
        });
        _state = ParserState.Start;
        _rootIsArray = false;
        _sawEvents = false;
        _skipDepth = 0;
        _bufferBase = 0;
        _lines = 0;
        _lineStart = 0;
        _eventIndex = 0;
        _outcome = default;
    }

    /// <summary>
    /// Parses the whole body from <paramref name="reader"/> (until it completes, or until the outcome
    /// is known). On any status but <see cref="ParseStatus.Ok"/> the batch and the rejections are
    /// emptied: nothing of the body may be applied.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ParseOutcome> ParseAsync(PipeReader reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (_batch is null)
        {
            ThrowNotReset();
        }
        while (true)
        {
            ReadResult result = await reader.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = buffer.Start;
            SequencePosition examined = buffer.End;
            bool done;
            try
            {
                if (result.IsCanceled)
                {
                    ThrowCanceled(ct);
                }
                done = Step(buffer, result.IsCompleted, out consumed, out examined);
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
            if (done)
            {
                return _outcome;
            }
        }
    }

    /// <summary>
    /// Parses what <paramref name="buffer"/> holds; true when the outcome is known. <paramref name="examined"/> is
    /// where the next read must bring new data from: the end of the buffer, or (when only a prefix was parsed)
    /// the consumed position, so that the next read returns the rest at once.
    /// </summary>
    private bool Step(in ReadOnlySequence<byte> buffer, bool isFinal, out SequencePosition consumed, out SequencePosition examined)
    {
        examined = buffer.End;
        if (_bufferBase + buffer.Length > _maxBodyBytes)
        {
            consumed = buffer.End;
            return Fail(ParseStatus.TooLarge, -1, TooLargeMessage());
        }
        if (!buffer.IsSingleSegment && TryStepPrefix(buffer, out bool prefixDone, out consumed))
        {
            examined = consumed;
            return prefixDone;
        }
        return StepWhole(buffer, isFinal, out consumed);
    }

    // Utf8JsonReader's sequence path costs about twice its span path per token, and a request body arrives in
    // segments of a few KiB, the last one usually ending inside a token. So the first segment is parsed as a span;
    // only a token that straddles its end goes through the sequence path, over a short window.
    private const int BoundaryWindowBytes = 256;

    /// <summary>
    /// Parses a prefix of a multi-segment buffer on the fast path: its first segment as a span, or, when that ends
    /// inside its first token, a window across the boundary. False when no prefix could be parsed (then the whole
    /// buffer is parsed as a sequence).
    /// </summary>
    private bool TryStepPrefix(in ReadOnlySequence<byte> buffer, out bool done, out SequencePosition consumed)
    {
        done = false;
        consumed = buffer.Start;
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        long used;
        try
        {
            if (!first.IsEmpty)
            {
                var spanReader = new Utf8JsonReader(first, isFinalBlock: false, _readerState);
                done = Walk(ref spanReader);
                used = spanReader.BytesConsumed;
                if (done || used > 0)
                {
                    return CommitPrefix(buffer, spanReader.CurrentState, used, done, out consumed);
                }
            }
            if (buffer.Length <= first.Length + BoundaryWindowBytes)
            {
                return false;
            }
            var window = buffer.Slice(0, first.Length + BoundaryWindowBytes);
            var windowReader = new Utf8JsonReader(window, isFinalBlock: false, _readerState);
            done = Walk(ref windowReader);
            used = windowReader.BytesConsumed;
            if (done || used > 0)
            {
                return CommitPrefix(buffer, windowReader.CurrentState, used, done, out consumed);
            }
            return false;
        }
        catch (JsonException ex)
        {
            consumed = buffer.End;
            done = Fail(ParseStatus.SyntaxError, SyntaxErrorOffset(buffer, ex), SyntaxMessage(ex));
            return true;
        }
    }

    private bool CommitPrefix(in ReadOnlySequence<byte> buffer, JsonReaderState state, long used, bool done, out SequencePosition consumed)
    {
        consumed = buffer.GetPosition(used);
        if (!done)
        {
            Advance(buffer, state, used);
        }
        return true;
    }

    /// <summary>Moves past <paramref name="used"/> parsed bytes: keeps the reader state, counts their lines.</summary>
    private void Advance(in ReadOnlySequence<byte> buffer, JsonReaderState state, long used)
    {
        _readerState = state;
        CountLines(buffer.Slice(0, used));
        _bufferBase += used;
    }

    /// <summary>Parses the whole of <paramref name="buffer"/>; true when the outcome is known.</summary>
    private bool StepWhole(in ReadOnlySequence<byte> buffer, bool isFinal, out SequencePosition consumed)
    {
        var reader = buffer.IsSingleSegment
            ? new Utf8JsonReader(buffer.FirstSpan, isFinal, _readerState)
            : new Utf8JsonReader(buffer, isFinal, _readerState);
        bool done;
        try
        {
            done = Walk(ref reader);
        }
        catch (JsonException ex)
        {
            consumed = buffer.End;
            return Fail(ParseStatus.SyntaxError, SyntaxErrorOffset(buffer, ex), SyntaxMessage(ex));
        }
        long used = reader.BytesConsumed;
        consumed = buffer.GetPosition(used);
        if (done)
        {
            return true;
        }
        Advance(buffer, reader.CurrentState, used);
        if (!isFinal)
        {
            return false;
        }
        if (_state == ParserState.Done || (_format == BatchFormat.Ndjson && _state == ParserState.Start))
        {
            _outcome = new ParseOutcome(ParseStatus.Ok, _eventIndex, -1, null, 200);
            return true;
        }
        return Fail(ParseStatus.SyntaxError, _bufferBase, "The body ended before the JSON was complete.");
    }

    /// <summary>Consumes tokens until the data runs out (false) or the outcome is known (true).</summary>
    private bool Walk(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            JsonTokenType token = reader.TokenType;
            switch (_state)
            {
                case ParserState.EventValue:
                    OnValue(ref reader, token);
                    break;
                case ParserState.InEvent:
                    if (token == JsonTokenType.PropertyName)
                    {
                        _field = ClassifyProperty(ref reader);
                        // The value usually follows in the same buffer: take it here, saving a trip round the loop.
                        if (!reader.Read())
                        {
                            _state = ParserState.EventValue;
                            return false;
                        }
                        OnValue(ref reader, reader.TokenType);
                    }
                    else
                    {
                        EndEvent(ref reader);
                        _state = _format switch
                        {
                            BatchFormat.Json => ParserState.EventsArray,
                            BatchFormat.Ndjson => ParserState.Start,
                            _ => ParserState.Done,
                        };
                    }
                    break;
                case ParserState.EventsArray:
                    if (token == JsonTokenType.StartObject)
                    {
                        if (!BeginEvent(ref reader))
                        {
                            return true;
                        }
                    }
                    else if (token == JsonTokenType.EndArray)
                    {
                        _state = _rootIsArray ? ParserState.Done : ParserState.RootObject;
                    }
                    else
                    {
                        return Structural(ref reader, "Every element of the events array must be a JSON object.");
                    }
                    break;
                case ParserState.EventSkip:
                case ParserState.RootSkipNested:
                    if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        _skipDepth++;
                    }
                    else if (token is JsonTokenType.EndObject or JsonTokenType.EndArray && --_skipDepth == 0)
                    {
                        _state = _state == ParserState.EventSkip ? ParserState.InEvent : ParserState.RootObject;
                    }
                    break;
                case ParserState.Start:
                    if (token == JsonTokenType.StartObject)
                    {
                        if (_format == BatchFormat.Json)
                        {
                            _state = ParserState.RootObject;
                        }
                        else if (!BeginEvent(ref reader))
                        {
                            return true;
                        }
                    }
                    else if (token == JsonTokenType.StartArray && _format == BatchFormat.Json)
                    {
                        _rootIsArray = true;
                        _state = ParserState.EventsArray;
                    }
                    else
                    {
                        return Structural(ref reader, _format switch
                        {
                            BatchFormat.Json => "The body must be a JSON object with an \"events\" array, or a JSON array of events.",
                            BatchFormat.Ndjson => "Every line of an NDJSON body must be a JSON object.",
                            _ => "The body must be one JSON event object.",
                        });
                    }
                    break;
                case ParserState.RootObject:
                    if (token == JsonTokenType.PropertyName)
                    {
                        _state = reader.ValueTextEquals("events"u8) ? ParserState.RootEventsValue : ParserState.RootSkipValue;
                    }
                    else if (!_sawEvents)
                    {
                        return Structural(ref reader, "The body object has no \"events\" array.");
                    }
                    else
                    {
                        _state = ParserState.Done;
                    }
                    break;
                case ParserState.RootEventsValue:
                    if (token != JsonTokenType.StartArray)
                    {
                        return Structural(ref reader, "\"events\" must be a JSON array.");
                    }
                    _sawEvents = true;
                    _state = ParserState.EventsArray;
                    break;
                case ParserState.RootSkipValue:
                    if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        _skipDepth = 1;
                        _state = ParserState.RootSkipNested;
                    }
                    else
                    {
                        _state = ParserState.RootObject;
                    }
                    break;
                default:
                    return Structural(ref reader, "Unexpected data after the end of the body.");
            }
        }
        return false;
    }

    /// <summary>Starts an event object; false (with the outcome set) when the batch has too many events.</summary>
    private bool BeginEvent(ref Utf8JsonReader reader)
    {
        if (_eventIndex >= _maxEvents)
        {
            Fail(ParseStatus.TooManyEvents, -1, TooManyEventsMessage());
            return false;
        }
        _eventStart = _bufferBase + reader.TokenStartIndex;
        StartEventFields();
        _state = ParserState.InEvent;
        return true;
    }

    /// <summary>Sets a terminal outcome other than Ok; empties the batch and the rejections. Returns true.</summary>
    private bool Fail(ParseStatus status, long offset, string message)
    {
        _batch!.Clear();
        _rejections!.Reset();
        _outcome = new ParseOutcome(status, _eventIndex, offset, message, status == ParseStatus.SyntaxError ? 400 : 413);
        return true;
    }

    private bool Structural(ref Utf8JsonReader reader, string message)
    {
        long offset = _bufferBase + reader.TokenStartIndex;
        return Fail(ParseStatus.SyntaxError, offset, $"{message} (at byte offset {offset})");
    }

    /// <summary>Tracks newlines of consumed bytes so that a reader error's (line, column) maps back to an absolute offset.</summary>
    private void CountLines(in ReadOnlySequence<byte> consumedPart)
    {
        long segmentStart = _bufferBase;
        foreach (var memory in consumedPart)
        {
            ReadOnlySpan<byte> span = memory.Span;
            int count = span.Count((byte)'\n');
            if (count > 0)
            {
                _lines += count;
                _lineStart = segmentStart + span.LastIndexOf((byte)'\n') + 1;
            }
            segmentStart += span.Length;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long SyntaxErrorOffset(in ReadOnlySequence<byte> buffer, JsonException ex)
    {
        long line = ex.LineNumber ?? _lines;
        long column = ex.BytePositionInLine ?? 0;
        long lineStart = _lineStart;
        long toFind = line - _lines;
        if (toFind > 0)
        {
            long segmentStart = _bufferBase;
            foreach (var memory in buffer)
            {
                ReadOnlySpan<byte> span = memory.Span;
                int from = 0;
                while (toFind > 0)
                {
                    int at = span[from..].IndexOf((byte)'\n');
                    if (at < 0)
                    {
                        break;
                    }
                    from += at + 1;
                    toFind--;
                    lineStart = segmentStart + from;
                }
                if (toFind == 0)
                {
                    break;
                }
                segmentStart += span.Length;
            }
        }
        return Math.Min(lineStart + column, _bufferBase + buffer.Length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string SyntaxMessage(JsonException ex)
    {
        string message = ex.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return "Malformed JSON: " + (cut > 0 ? message[..cut] : message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private string TooLargeMessage() => $"The body is larger than {_maxBodyBytes} bytes (after decompression).";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private string TooManyEventsMessage() => $"The batch has more than {_maxEvents} events; split it into smaller batches.";

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Diagnostics.StackTraceHidden]
    private static void ThrowNotReset() => throw new InvalidOperationException("BatchParser.Reset must be called before ParseAsync.");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Diagnostics.StackTraceHidden]
    private static void ThrowCanceled(CancellationToken ct) => throw new OperationCanceledException("The body read was canceled.", ct);
}
