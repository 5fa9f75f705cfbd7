using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace OrderPlatform.FlowRunner.Runs;

public sealed record RunSummary(Guid Id, Guid FlowId, Guid FlowVersionId, string Status, bool Sync, int Attempt, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? FailedStep, JsonNode? Error, JsonNode? Response);

public sealed record StepLog(string Name, int Attempt, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, JsonNode? Input, JsonNode? Output, JsonNode? Error);

public sealed record RequeuedRun(Guid Id, bool Sync);

/// <summary>Reads of runs (history, a run's steps, its trigger payload) and the reaper's batch transitions.</summary>
public sealed class RunQueries(NpgsqlDataSource db, Blobs.RunBlobs blobs)
{
    private const string SummaryColumns =
        "id, flow_id, flow_version_id, status, sync, attempt, created_at, started_at, finished_at, failed_step, error::text, response::text";

    public async Task<RunSummary?> GetAsync(Guid runId, CancellationToken ct) => (await ListAsync(null, runId, 1, ct)).FirstOrDefault();

    public async Task<List<RunSummary>> ListAsync(Guid? flowId, Guid? runId, int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"SELECT {SummaryColumns} FROM flow_run WHERE ($1::uuid IS NULL OR flow_id = $1) AND ($2::uuid IS NULL OR id = $2) ORDER BY created_at DESC LIMIT $3");
        command.Parameters.Add(new() { Value = (object?)flowId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = (object?)runId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var runs = new List<RunSummary>();
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetBoolean(4), reader.GetInt32(5),
                reader.GetFieldValue<DateTimeOffset>(6), Nullable(reader, 7), Nullable(reader, 8), reader.IsDBNull(9) ? null : reader.GetString(9),
                Json(reader, 10), Json(reader, 11)));
        }

        return runs;
    }

    public async Task<List<StepLog>> StepsAsync(Guid runId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT step_name, attempt, status, started_at, finished_at, input::text, output::text, error::text, output_blob FROM step_run WHERE run_id = $1 ORDER BY started_at, attempt");
        command.Parameters.Add(new() { Value = runId });
        var steps = new List<StepLog>();
        var offloaded = new List<(int Index, string Blob)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                steps.Add(new(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4),
                    Json(reader, 5), Json(reader, 6), Json(reader, 7)));
                if (!reader.IsDBNull(8))
                {
                    offloaded.Add((steps.Count - 1, reader.GetString(8)));
                }
            }
        }

        // Outputs over the inline limit come back from blob storage, so a run reads the same whatever its size.
        foreach (var (index, blob) in offloaded)
        {
            steps[index] = steps[index] with { Output = await blobs.LoadAsync(null, blob, ct) };
        }

        return steps;
    }

    /// <summary>The trigger's state as templates see it: <c>{ method, headers, query, body }</c>, body parsed when JSON.</summary>
    public async Task<JsonObject> TriggerAsync(Guid runId, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {TriggerPayload.Columns} FROM run_payload p WHERE p.run_id = $1");
        command.Parameters.Add(new() { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? await TriggerPayload.ReadAsync(reader, 0, blobs, ct) : [];
    }

    /// <summary>RUNNING runs whose lease ran out go back to QUEUED (their worker died); SKIP LOCKED lets replicas reap at once.</summary>
    public Task<List<RequeuedRun>> RequeueExpiredLeasesAsync(CancellationToken ct) => RequeueAsync(
        "WITH due AS (SELECT id FROM flow_run WHERE status = 'RUNNING' AND lease_expires_at < now() FOR UPDATE SKIP LOCKED) " +
        "UPDATE flow_run r SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL, enqueued_at = now() FROM due WHERE r.id = due.id RETURNING r.id, r.sync", ct);

    /// <summary>Queued runs nobody took for <paramref name="after"/> (their enqueue may have been lost with Redis), and paused runs past due.</summary>
    public Task<List<RequeuedRun>> StaleQueuedAsync(TimeSpan after, CancellationToken ct) => RequeueAsync(
        "WITH due AS (SELECT id FROM flow_run WHERE (status = 'QUEUED' AND enqueued_at < now() - $1) OR (status = 'PAUSED' AND resume_at < now() - $1) " +
        "FOR UPDATE SKIP LOCKED LIMIT 1000) UPDATE flow_run r SET enqueued_at = now() FROM due WHERE r.id = due.id RETURNING r.id, r.sync", ct, after);

    /// <summary>Running or queued runs past their flow timeout become TIMEOUT.</summary>
    public async Task<int> TimeOutAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "UPDATE flow_run SET status = 'TIMEOUT', finished_at = now(), lease_owner = NULL WHERE status IN ('RUNNING', 'QUEUED') AND timeout_at < now()");
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<List<RequeuedRun>> RequeueAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var runs = new List<RequeuedRun>();
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new(reader.GetGuid(0), reader.GetBoolean(1)));
        }

        return runs;
    }

    private static DateTimeOffset? Nullable(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);

    private static JsonNode? Json(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : JsonNode.Parse(reader.GetString(i));
}
