using System.Diagnostics;
using System.Text.Json;
using Expothesis.Fast.Peer;
using Npgsql;
using NpgsqlTypes;

// The PostgreSQL peer: the same HTTP shape on the same Kestrel, events stored with one binary COPY per batch
// (synchronous_commit=on), analysis by the unit-level SQL. Configuration: Peer:ConnectionString.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PeerJsonContext.Default));
if (builder.Configuration.GetValue<bool>("Peer:Sink"))
{
    // Sink mode (no database): reads each batch and counts its events without parsing, to measure what the HTTP
    // layer and the load generator alone can carry.
    var sink = builder.Build();
    sink.MapGet("/health/live", () => Results.Ok());
    sink.MapGet("/health/ready", () => Results.Ok());
    sink.MapPost("/api/v1/events/batch", async (HttpRequest request, CancellationToken ct) =>
        Results.Ok(new PeerIngestResult(await BatchSink.CountEventsAsync(request.BodyReader, ct), 0, 0)));
    await sink.RunAsync();
    return;
}

var connectionString = builder.Configuration["Peer:ConnectionString"]
    ?? "Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres;Max Auto Prepare=16";
await using var dataSource = NpgsqlDataSource.Create(connectionString);
await using (var setup = dataSource.CreateCommand("""
    CREATE TABLE IF NOT EXISTS events (
        experiment text NOT NULL,
        user_id text NOT NULL,
        type text NOT NULL,
        metric text,
        variant text,
        value double precision NOT NULL,
        ts timestamptz NOT NULL,
        event_id text);
    SET synchronous_commit = on;
    """))
{
    await setup.ExecuteNonQueryAsync();
}

var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok());
app.MapGet("/health/ready", () => Results.Ok());

app.MapPost("/api/v1/events/batch", async (HttpRequest request, CancellationToken ct) =>
{
    PeerBatch? batch;
    try
    {
        batch = await JsonSerializer.DeserializeAsync(request.Body, PeerJsonContext.Default.PeerBatch, ct);
    }
    catch (JsonException ex)
    {
        return Results.Problem(ex.Message, statusCode: 400);
    }

    var events = batch?.Events ?? [];
    var accepted = 0;
    await using (var connection = await dataSource.OpenConnectionAsync(ct))
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY events (experiment, user_id, type, metric, variant, value, ts, event_id) FROM STDIN (FORMAT BINARY)", ct);
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            if (e.Experiment is null || e.UserId is null || (e.Type is not "exposure" && e.Metric is null))
            {
                continue;
            }

            // Synchronous writes fill Npgsql's buffer (as in Npgsql's COPY documentation); only the flushes do I/O.
            writer.StartRow();
            writer.Write(e.Experiment, NpgsqlDbType.Text);
            writer.Write(e.UserId, NpgsqlDbType.Text);
            writer.Write(e.Type ?? "metric", NpgsqlDbType.Text);
            WriteNullable(writer, e.Metric);
            WriteNullable(writer, e.Variant);
            writer.Write(e.Value ?? 1.0, NpgsqlDbType.Double);
            writer.Write(DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).UtcDateTime,
                NpgsqlDbType.TimestampTz);
            WriteNullable(writer, e.EventId);
            accepted++;
        }

        await writer.CompleteAsync(ct);
    }

    return Results.Ok(new PeerIngestResult(accepted, events.Length - accepted, 0));
});

app.MapGet("/api/v1/experiments/{key}/analysis", async (string key, CancellationToken ct) =>
{
    var started = Stopwatch.GetTimestamp();
    await using var connection = await dataSource.OpenConnectionAsync(ct);
    var units = new Dictionary<string, long>(StringComparer.Ordinal);
    await using (var command = new NpgsqlCommand(
        "SELECT coalesce(variant, ''), count(DISTINCT user_id) FROM events WHERE experiment = $1 GROUP BY 1", connection))
    {
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            units[reader.GetString(0)] = reader.GetInt64(1);
        }
    }

    var metrics = new List<PeerMoments>();
    await using (var command = new NpgsqlCommand("""
        SELECT coalesce(variant, ''), metric, count(*), sum(y), sum(y * y)
        FROM (SELECT user_id, variant, metric, sum(value) AS y
              FROM events WHERE experiment = $1 AND type = 'metric'
              GROUP BY user_id, variant, metric) AS per_unit
        GROUP BY 1, 2 ORDER BY 1, 2
        """, connection))
    {
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            metrics.Add(new PeerMoments(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4)));
        }
    }

    return Results.Ok(new PeerAnalysis(key, units, metrics, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
});

await app.RunAsync();

static void WriteNullable(NpgsqlBinaryImporter writer, string? value)
{
    if (value is null)
    {
        writer.WriteNull();
    }
    else
    {
        writer.Write(value, NpgsqlDbType.Text);
    }
}
