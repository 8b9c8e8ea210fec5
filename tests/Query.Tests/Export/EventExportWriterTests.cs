using System.IO.Pipelines;
using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Query.Export;
using Expothesis.Fast.Storage.Columnar;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Query.Tests.Export;

public sealed class EventExportWriterTests
{
    private sealed class Names : IExportNames
    {
        public string ExperimentKey(int experiment) => experiment == 0 ? "checkout-button" : "exp,\"quoted\"";

        public string? MetricName(int experiment, int metric) => metric switch { 0 => "purchase", 1 => "revenue", _ => null };

        public string? VariantKey(int experiment, int variant) => variant switch { 0 => "control", 1 => "green", _ => null };
    }

    private static void Add(EventBatch batch, string user, long ts, int experiment, short metric, short variant, double value, string? eventId)
    {
        var unit = Encoding.UTF8.GetBytes(user);
        var evt = eventId is null ? [] : Encoding.UTF8.GetBytes(eventId);
        int u = batch.AppendBytes(unit);
        int e = batch.AppendBytes(evt);
        ref var r = ref batch.Add();
        r.UnitHash = UnitHash.Compute(unit);
        r.EventIdHash = evt.Length == 0 ? 0 : UnitHash.Compute(evt);
        r.TimestampMs = ts;
        r.Experiment = experiment;
        r.Metric = metric;
        r.Variant = variant;
        r.Value = value;
        r.UnitIdOffset = u;
        r.UnitIdLength = unit.Length;
        r.EventIdOffset = e;
        r.EventIdLength = evt.Length;
    }

    private static async Task<InMemoryEventLog> SmallLogAsync()
    {
        var log = new InMemoryEventLog();
        using var batch = new EventBatch();
        const long T = 1_795_860_000_000; // 2026-11-28T10:00:00Z
        Add(batch, "u-123", T, 0, EventRecord.ExposureMetric, 1, 1, null);
        Add(batch, "u-123", T + 1_234, 0, 0, 1, 1, "8c1e");
        Add(batch, "u-9", T + 5, 1, 1, EventRecord.NoVariant, 19.99, null);
        await log.AppendAsync(batch);
        batch.Clear();
        Add(batch, "we,ird \"id\"\nx", T + 60_000, 0, 1, 0, -0.5, "e\"1");
        Add(batch, "u-7", T + 61_000, 0, -2, 0, 0, null); // a stored sticky assignment: never exported
        await log.AppendAsync(batch);
        return log;
    }

    private static async Task<string> ExportAsync(IEventArchive log, ExportFormat format, EventScanFilter filter)
    {
        var pipe = new Pipe();
        using var cursor = log.OpenCursor(filter);
        long count = await new EventExportWriter(new Names(), format).WriteAsync(cursor, pipe.Writer);
        await pipe.Writer.CompleteAsync();
        var result = await pipe.Reader.ReadAtLeastAsync(1 << 20);
        var text = Encoding.UTF8.GetString(result.Buffer);
        pipe.Reader.AdvanceTo(result.Buffer.End);
        Assert.True(count >= 0);
        return text;
    }

    [Fact]
    public async Task Ndjson_export_writes_one_object_per_event_with_names_and_nulls()
    {
        await using var log = await SmallLogAsync();
        var text = await ExportAsync(log, ExportFormat.Ndjson, EventScanFilter.All);
        Assert.Equal(
            """
            {"timestamp":"2026-11-28T10:00:00.000Z","experiment":"checkout-button","user_id":"u-123","type":"exposure","metric":null,"variant":"green","value":null,"event_id":null}
            {"timestamp":"2026-11-28T10:00:01.234Z","experiment":"checkout-button","user_id":"u-123","type":"metric","metric":"purchase","variant":"green","value":1,"event_id":"8c1e"}
            {"timestamp":"2026-11-28T10:00:00.005Z","experiment":"exp,\"quoted\"","user_id":"u-9","type":"metric","metric":"revenue","variant":null,"value":19.99,"event_id":null}
            {"timestamp":"2026-11-28T10:01:00.000Z","experiment":"checkout-button","user_id":"we,ird \"id\"\nx","type":"metric","metric":"revenue","variant":"control","value":-0.5,"event_id":"e\"1"}

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public async Task Csv_export_quotes_fields_with_commas_quotes_and_newlines()
    {
        await using var log = await SmallLogAsync();
        var text = await ExportAsync(log, ExportFormat.Csv, EventScanFilter.All);
        Assert.Equal(
            "timestamp,experiment,user_id,type,metric,variant,value,event_id\r\n" +
            "2026-11-28T10:00:00.000Z,checkout-button,u-123,exposure,,green,,\r\n" +
            "2026-11-28T10:00:01.234Z,checkout-button,u-123,metric,purchase,green,1,8c1e\r\n" +
            "2026-11-28T10:00:00.005Z,\"exp,\"\"quoted\"\"\",u-9,metric,revenue,,19.99,\r\n" +
            "2026-11-28T10:01:00.000Z,checkout-button,\"we,ird \"\"id\"\"\nx\",metric,revenue,control,-0.5,\"e\"\"1\"\r\n",
            text);
    }

    [Fact]
    public async Task Export_applies_the_cursor_filter()
    {
        await using var log = await SmallLogAsync();
        var text = await ExportAsync(log, ExportFormat.Csv, new EventScanFilter(0, 1_795_860_000_001, null));
        Assert.Equal(
            "timestamp,experiment,user_id,type,metric,variant,value,event_id\r\n" +
            "2026-11-28T10:00:01.234Z,checkout-button,u-123,metric,purchase,green,1,8c1e\r\n" +
            "2026-11-28T10:01:00.000Z,checkout-button,\"we,ird \"\"id\"\"\nx\",metric,revenue,control,-0.5,\"e\"\"1\"\r\n",
            text);
    }

    [Fact]
    public async Task A_large_export_streams_every_event_to_a_stream()
    {
        await using var log = new InMemoryEventLog();
        using var batch = new EventBatch();
        for (int b = 0; b < 20; b++)
        {
            batch.Clear();
            for (int i = 0; i < 500; i++)
            {
                Add(batch, "user-" + (b * 500 + i), 1_795_860_000_000 + i, 0, 0, (short)(i % 2), i, null);
            }
            await log.AppendAsync(batch);
        }
        using var stream = new MemoryStream();
        using var cursor = log.OpenCursor(EventScanFilter.All);
        long count = await new EventExportWriter(new Names(), ExportFormat.Ndjson).WriteAsync(cursor, stream);
        Assert.Equal(10_000, count);
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10_000, lines.Length);
        Assert.Contains("\"user_id\":\"user-9999\"", lines[^1], StringComparison.Ordinal);
    }
}
