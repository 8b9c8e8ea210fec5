using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query.Export;

/// <summary>
/// Streams the events of an <see cref="EventLogCursor"/> as NDJSON or CSV, in UTF-8 written straight into
/// a <see cref="PipeWriter"/>, flushing after every block (and every 64 KiB). Columns: <c>timestamp</c>
/// (RFC 3339 UTC with milliseconds), <c>experiment</c> (key), <c>user_id</c>, <c>type</c>
/// (<c>exposure</c>|<c>metric</c>), <c>metric</c>, <c>variant</c>, <c>value</c>, <c>event_id</c>; absent
/// values are JSON null or an empty CSV field. Names are UTF-8 encoded once per ordinal and cached, so
/// there is no per-event allocation. One instance per response; not thread-safe.
/// </summary>
public sealed class EventExportWriter
{
    private const int FlushBytes = 64 * 1024;

    private static readonly JsonEncodedText s_timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText s_experiment = JsonEncodedText.Encode("experiment");
    private static readonly JsonEncodedText s_userId = JsonEncodedText.Encode("user_id");
    private static readonly JsonEncodedText s_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText s_metric = JsonEncodedText.Encode("metric");
    private static readonly JsonEncodedText s_variant = JsonEncodedText.Encode("variant");
    private static readonly JsonEncodedText s_value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText s_eventId = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText s_exposure = JsonEncodedText.Encode("exposure");
    private static readonly JsonEncodedText s_metricType = JsonEncodedText.Encode("metric");
    private static readonly JsonWriterOptions s_jsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly IExportNames _names;
    private readonly ExportFormat _format;
    private readonly Dictionary<int, byte[]> _experiments = [];
    private readonly Dictionary<long, byte[]?> _metrics = [];
    private readonly Dictionary<long, byte[]?> _variants = [];
    private Utf8JsonWriter? _json;

    /// <summary>Creates a writer for one export.</summary>
    public EventExportWriter(IExportNames names, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names;
        _format = format;
    }

    /// <summary>The HTTP content type of the format.</summary>
    public string ContentType => _format == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson";

    /// <summary>The CSV header row (with CRLF).</summary>
    public static ReadOnlySpan<byte> CsvHeader => "timestamp,experiment,user_id,type,metric,variant,value,event_id\r\n"u8;

    /// <summary>Writes every event of <paramref name="cursor"/> to <paramref name="output"/>; returns how many. Does not complete the writer.</summary>
    public async Task<long> WriteAsync(EventLogCursor cursor, PipeWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentNullException.ThrowIfNull(output);
        long count = 0;
        if (_format == ExportFormat.Csv)
        {
            output.Write(CsvHeader);
        }
        bool more = true;
        while (more)
        {
            more = WriteChunk(cursor, output, ref count);
            var flush = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                break;
            }
        }
        return count;
    }

    /// <summary>Writes every event of <paramref name="cursor"/> to <paramref name="output"/>; returns how many.</summary>
    public async Task<long> WriteAsync(EventLogCursor cursor, Stream output, CancellationToken cancellationToken = default)
    {
        var pipe = PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true));
        long count = await WriteAsync(cursor, pipe, cancellationToken).ConfigureAwait(false);
        await pipe.CompleteAsync().ConfigureAwait(false);
        return count;
    }

    /// <summary>Writes records up to the end of the current block or the flush size; false when the cursor is exhausted.</summary>
    private bool WriteChunk(EventLogCursor cursor, PipeWriter output, ref long count)
    {
        long written = 0;
        while (cursor.TryReadNext(out var record, out var unitId, out var eventId))
        {
            written += _format == ExportFormat.Csv
                ? WriteCsv(output, record, unitId, eventId)
                : WriteJson(output, record, unitId, eventId);
            count++;
            if (cursor.RemainingInBlock == 0 || written >= FlushBytes)
            {
                return true;
            }
        }
        return false;
    }

    private int WriteJson(PipeWriter output, in EventRecord r, ReadOnlySpan<byte> unitId, ReadOnlySpan<byte> eventId)
    {
        if (_json is null)
        {
            _json = new Utf8JsonWriter(output, s_jsonOptions);
        }
        else
        {
            _json.Reset(output);
        }
        var json = _json;
        Span<byte> scratch = stackalloc byte[32];
        json.WriteStartObject();
        json.WriteString(s_timestamp, FormatTimestamp(r.TimestampMs, scratch));
        json.WriteString(s_experiment, ExperimentKey(r.Experiment));
        json.WriteString(s_userId, unitId);
        json.WriteString(s_type, r.IsExposure ? s_exposure : s_metricType);
        WriteStringOrNull(json, s_metric, r.IsExposure ? null : MetricName(r.Experiment, r.Metric));
        WriteStringOrNull(json, s_variant, r.Variant == EventRecord.NoVariant ? null : VariantKey(r.Experiment, r.Variant));
        if (r.IsExposure)
        {
            json.WriteNull(s_value);
        }
        else
        {
            json.WriteNumber(s_value, r.Value);
        }
        if (eventId.IsEmpty)
        {
            json.WriteNull(s_eventId);
        }
        else
        {
            json.WriteString(s_eventId, eventId);
        }
        json.WriteEndObject();
        json.Flush();
        int length = (int)json.BytesCommitted;
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
        return length + 1;
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, JsonEncodedText name, byte[]? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private int WriteCsv(PipeWriter output, in EventRecord r, ReadOnlySpan<byte> unitId, ReadOnlySpan<byte> eventId)
    {
        Span<byte> scratch = stackalloc byte[32];
        int n = Raw(output, FormatTimestamp(r.TimestampMs, scratch));
        n += Raw(output, ","u8);
        n += CsvField(output, ExperimentKey(r.Experiment));
        n += Raw(output, ","u8);
        n += CsvField(output, unitId);
        n += Raw(output, r.IsExposure ? ",exposure,"u8 : ",metric,"u8);
        if (!r.IsExposure)
        {
            n += CsvField(output, MetricName(r.Experiment, r.Metric));
        }
        n += Raw(output, ","u8);
        if (r.Variant != EventRecord.NoVariant)
        {
            n += CsvField(output, VariantKey(r.Experiment, r.Variant));
        }
        n += Raw(output, ","u8);
        if (!r.IsExposure)
        {
            r.Value.TryFormat(scratch, out int digits, default, CultureInfo.InvariantCulture);
            n += Raw(output, scratch[..digits]);
        }
        n += Raw(output, ","u8);
        n += CsvField(output, eventId);
        n += Raw(output, "\r\n"u8);
        return n;
    }

    private static int Raw(PipeWriter output, ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        return bytes.Length;
    }

    /// <summary>RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled.</summary>
    private static int CsvField(PipeWriter output, ReadOnlySpan<byte> field)
    {
        if (field.IndexOfAny(s_csvSpecial) < 0)
        {
            return Raw(output, field);
        }
        int n = Raw(output, "\""u8);
        while (true)
        {
            int quote = field.IndexOf((byte)'"');
            if (quote < 0)
            {
                n += Raw(output, field);
                break;
            }
            n += Raw(output, field[..(quote + 1)]);
            n += Raw(output, "\""u8);
            field = field[(quote + 1)..];
        }
        return n + Raw(output, "\""u8);
    }

    private static readonly SearchValues<byte> s_csvSpecial = SearchValues.Create(",\"\r\n"u8);

    /// <summary>yyyy-MM-ddTHH:mm:ss.fffZ; the raw milliseconds when outside the calendar's range.</summary>
    private static ReadOnlySpan<byte> FormatTimestamp(long ms, Span<byte> buffer)
    {
        const long MinMs = -62_135_596_800_000, MaxMs = 253_402_300_799_999;
        int n;
        if (ms is >= MinMs and <= MaxMs)
        {
            DateTime.UnixEpoch.AddMilliseconds(ms).TryFormat(buffer, out n, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);
        }
        else
        {
            ms.TryFormat(buffer, out n, default, CultureInfo.InvariantCulture);
        }
        return buffer[..n];
    }

    private byte[] ExperimentKey(int experiment)
    {
        if (!_experiments.TryGetValue(experiment, out var key))
        {
            key = Encoding.UTF8.GetBytes(_names.ExperimentKey(experiment));
            _experiments[experiment] = key;
        }
        return key;
    }

    private byte[]? MetricName(int experiment, int metric)
    {
        long k = ((long)experiment << 32) | (uint)metric;
        if (!_metrics.TryGetValue(k, out var name))
        {
            var s = _names.MetricName(experiment, metric);
            name = s is null ? null : Encoding.UTF8.GetBytes(s);
            _metrics[k] = name;
        }
        return name;
    }

    private byte[]? VariantKey(int experiment, int variant)
    {
        long k = ((long)experiment << 32) | (uint)variant;
        if (!_variants.TryGetValue(k, out var key))
        {
            var s = _names.VariantKey(experiment, variant);
            key = s is null ? null : Encoding.UTF8.GetBytes(s);
            _variants[k] = key;
        }
        return key;
    }
}
