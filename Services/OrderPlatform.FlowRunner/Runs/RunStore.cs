using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace OrderPlatform.FlowRunner.Runs;

public sealed record NewRun(Guid FlowId, Guid VersionId, bool Sync, string? IdempotencyKey, string Method, JsonObject Headers, JsonObject Query, string? ContentType, byte[] Body);

/// <summary>
/// A run this worker holds; <paramref name="MayHaveSteps"/> is false for a first claim of a fresh (not rerun) run, and
/// <paramref name="Trigger"/> is its trigger payload as templates see it, read by the claim itself.
/// </summary>
public sealed record ClaimedRun(Guid Id, Guid FlowId, Guid VersionId, bool Sync, int Attempt, bool MayHaveSteps, JsonObject Trigger);

/// <summary>
/// The run truth in Postgres. Every status change is one conditional UPDATE from the expected status (and, for a
/// worker, its own lease), so a late or duplicate worker finds nothing to update and a terminal state is never
/// overwritten.
/// </summary>
public sealed class RunStore(NpgsqlDataSource db, Blobs.RunBlobs blobs, IOptions<FlowRunnerOptions> options)
{
    /// <summary>
    /// The run and its payload in one statement; with an idempotency key already used, the earlier run's id. A body
    /// over <c>Blobs:InlineBodyBytes</c> is uploaded first, so the committed row never names a missing blob; when no
    /// row comes to name it (the key was taken, or the insert failed) the upload is deleted again.
    /// </summary>
    public async Task<(Guid RunId, bool Created)> CreateAsync(NewRun run, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        string? bodyBlob = null;
        if (run.Body.Length > blobs.Limits.InlineBodyBytes)
        {
            if (run.IdempotencyKey is not null && await ExistingAsync(run, ct) is { } earlier)
            {
                return (earlier, false);
            }

            bodyBlob = $"runs/{id}/trigger";
            await blobs.PutAsync(bodyBlob, new BinaryData(run.Body), run.ContentType, ct);
        }

        try
        {
            if (await InsertAsync(id, run, bodyBlob, ct))
            {
                return (id, true);
            }
        }
        catch when (bodyBlob is not null)
        {
            await blobs.DeleteAsync(bodyBlob, CancellationToken.None);
            throw;
        }

        // A concurrent delivery with the same key won between the check above and the insert.
        if (bodyBlob is not null)
        {
            await blobs.DeleteAsync(bodyBlob, CancellationToken.None);
        }

        return (await ExistingAsync(run, ct) ?? throw new InvalidOperationException("The idempotency key's run vanished."), false);
    }

    // One statement (its own transaction): the run and its payload, or neither when the idempotency key is taken.
    // One round trip instead of four (BEGIN, two INSERTs, COMMIT) on the path every webhook takes.
    private async Task<bool> InsertAsync(Guid id, NewRun run, string? bodyBlob, CancellationToken ct)
    {
        await using var insert = db.CreateCommand(
            "WITH run AS (INSERT INTO flow_run (id, flow_id, flow_version_id, status, sync, idempotency_key) VALUES ($1, $2, $3, 'QUEUED', $4, $5) " +
            "ON CONFLICT (flow_id, idempotency_key) DO NOTHING RETURNING id) " +
            "INSERT INTO run_payload (run_id, method, headers, query, content_type, body, body_blob) SELECT id, $6, $7, $8, $9, $10, $11 FROM run");
        insert.Parameters.Add(new() { Value = id });
        insert.Parameters.Add(new() { Value = run.FlowId });
        insert.Parameters.Add(new() { Value = run.VersionId });
        insert.Parameters.Add(new() { Value = run.Sync });
        insert.Parameters.Add(new() { Value = (object?)run.IdempotencyKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = run.Method });
        insert.Parameters.Add(new() { Value = run.Headers.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new() { Value = run.Query.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new() { Value = (object?)run.ContentType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = bodyBlob is null ? run.Body : [] });
        insert.Parameters.Add(new() { Value = (object?)bodyBlob ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task<Guid?> ExistingAsync(NewRun run, CancellationToken ct)
    {
        await using var existing = db.CreateCommand("SELECT id FROM flow_run WHERE flow_id = $1 AND idempotency_key = $2");
        existing.Parameters.Add(new() { Value = run.FlowId });
        existing.Parameters.Add(new() { Value = run.IdempotencyKey! });
        return await existing.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>QUEUED → RUNNING with this worker's lease; null when the run is not queued (done, canceled, taken).</summary>
    public async Task<ClaimedRun?> ClaimAsync(Guid runId, string owner, TimeSpan flowTimeout, CancellationToken ct)
    {
        // The trigger payload comes back with the claim: every run needs it next, and this saves a round trip per run.
        await using var command = db.CreateCommand(
            "WITH claimed AS (UPDATE flow_run SET status = 'RUNNING', lease_owner = $2, lease_expires_at = now() + $3, attempt = attempt + 1, " +
            "started_at = coalesce(started_at, now()), timeout_at = coalesce(timeout_at, now() + $4) " +
            "WHERE id = $1 AND status = 'QUEUED' RETURNING id, flow_id, flow_version_id, sync, attempt, rerun_of IS NOT NULL AS rerun) " +
            $"SELECT c.flow_id, c.flow_version_id, c.sync, c.attempt, c.rerun, {TriggerPayload.Columns} FROM claimed c LEFT JOIN run_payload p ON p.run_id = c.id");
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = options.Value.Lease });
        command.Parameters.Add(new() { Value = flowTimeout });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var attempt = reader.GetInt32(3);
        return new ClaimedRun(runId, reader.GetGuid(0), reader.GetGuid(1), reader.GetBoolean(2), attempt, attempt > 1 || reader.GetBoolean(4),
            await TriggerPayload.ReadAsync(reader, 5, blobs, ct));
    }

    /// <summary>Extends this worker's lease; false when the run was canceled, timed out or taken over.</summary>
    public async Task<bool> RenewAsync(Guid runId, string owner, CancellationToken ct) =>
        await ExecuteAsync("UPDATE flow_run SET lease_expires_at = now() + $3 WHERE id = $1 AND status = 'RUNNING' AND lease_owner = $2", ct, runId, owner, options.Value.Lease) == 1;

    /// <summary>RUNNING → a terminal status, only under this worker's lease.</summary>
    public async Task<bool> FinishAsync(Guid runId, string owner, string status, string? failedStep, JsonNode? error, CancellationToken ct) =>
        await ExecuteAsync(
            "UPDATE flow_run SET status = $3, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL, failed_step = $4, error = $5 " +
            "WHERE id = $1 AND status = 'RUNNING' AND lease_owner = $2",
            ct, runId, owner, status, (object?)failedStep ?? DBNull.Value, Jsonb(error)) == 1;

    /// <summary>RUNNING → PAUSED until <paramref name="resumeAt"/> (a delay step), releasing the lease.</summary>
    public async Task<bool> PauseAsync(Guid runId, string owner, DateTimeOffset resumeAt, CancellationToken ct) =>
        await ExecuteAsync(
            "UPDATE flow_run SET status = 'PAUSED', resume_at = $3, lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND status = 'RUNNING' AND lease_owner = $2",
            ct, runId, owner, resumeAt) == 1;

    /// <summary>
    /// PAUSED → QUEUED once the resume time has come. The flow timeout counts execution, not waiting: the next claim
    /// starts a fresh one.
    /// </summary>
    public async Task<bool> ResumeAsync(Guid runId, CancellationToken ct) =>
        await ExecuteAsync("UPDATE flow_run SET status = 'QUEUED', enqueued_at = now(), timeout_at = NULL WHERE id = $1 AND status = 'PAUSED' AND resume_at <= now()", ct, runId) == 1;

    /// <summary>
    /// PAUSED → QUEUED now, its waitpoint at <paramref name="step"/> completed; the run's sync flag, or null when it is
    /// not paused on that step. Only on that step: resume URLs exist before their step runs, and a resume that came
    /// while the run sleeps in a delay must not cut the delay short (the run finds the completed waitpoint later).
    /// </summary>
    public async Task<bool?> WakeAsync(Guid runId, string step, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "UPDATE flow_run SET status = 'QUEUED', enqueued_at = now(), timeout_at = NULL WHERE id = $1 AND status = 'PAUSED' " +
            "AND EXISTS (SELECT 1 FROM step_run s WHERE s.run_id = $1 AND s.step_name = $2 AND s.status = 'WAITING') RETURNING sync");
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = step });
        return await command.ExecuteScalarAsync(ct) as bool?;
    }

    /// <summary>RUNNING → QUEUED by a worker giving a run back (shutdown) without a terminal status.</summary>
    public async Task<bool> ReleaseAsync(Guid runId, string owner, CancellationToken ct) =>
        await ExecuteAsync("UPDATE flow_run SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL, enqueued_at = now() WHERE id = $1 AND status = 'RUNNING' AND lease_owner = $2", ct, runId, owner) == 1;

    /// <summary>{QUEUED, RUNNING, PAUSED} → CANCELED; false when the run is already terminal or unknown.</summary>
    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct) =>
        await ExecuteAsync("UPDATE flow_run SET status = 'CANCELED', finished_at = now(), lease_owner = NULL WHERE id = $1 AND status IN ('QUEUED', 'RUNNING', 'PAUSED')", ct, runId) == 1;

    /// <summary>A run that was delivered too often without finishing: QUEUED → INTERNAL_ERROR (dead-lettered).</summary>
    public async Task<bool> DeadLetterAsync(Guid runId, CancellationToken ct) =>
        await ExecuteAsync(
            "UPDATE flow_run SET status = 'INTERNAL_ERROR', finished_at = now(), error = $2 WHERE id = $1 AND status = 'QUEUED'",
            ct, runId, Jsonb(new JsonObject { ["type"] = "DEAD_LETTERED", ["message"] = $"Delivered {options.Value.MaxDeliveries} times without finishing." })) == 1;

    /// <summary>What a worker needs to decide about a delivered entry before claiming it.</summary>
    public async Task<(string Status, int Attempt, Guid FlowId, Guid VersionId, DateTimeOffset? ResumeAt)?> PeekAsync(Guid runId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT status, attempt, flow_id, flow_version_id, resume_at FROM flow_run WHERE id = $1");
        command.Parameters.Add(new() { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (reader.GetString(0), reader.GetInt32(1), reader.GetGuid(2), reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4))
            : null;
    }

    /// <summary>The first respond step's reply, kept for the sync webhook waiting on it.</summary>
    public async Task SetResponseAsync(Guid runId, JsonNode response, CancellationToken ct) =>
        await ExecuteAsync("UPDATE flow_run SET response = $2 WHERE id = $1 AND response IS NULL", ct, runId, Jsonb(response));

    /// <summary>One attempt of a step; an output over <c>Blobs:InlineOutputBytes</c> goes to a blob the row names.</summary>
    public async Task LogStepAsync(Guid runId, string step, int attempt, string status, DateTimeOffset started, JsonNode? input, JsonNode? output, JsonNode? error, CancellationToken ct)
    {
        var (inline, blob) = await blobs.OffloadAsync($"runs/{runId}/steps/{step}/{attempt}.json", output, blobs.Limits.InlineOutputBytes, ct);
        await ExecuteAsync(
            "INSERT INTO step_run (run_id, step_name, attempt, status, started_at, finished_at, input, output, error, output_blob) VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9) " +
            "ON CONFLICT (run_id, step_name, attempt) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at, output = excluded.output, " +
            "error = excluded.error, output_blob = excluded.output_blob",
            ct, runId, step, attempt, status, started, Jsonb(input), Jsonb(inline), Jsonb(error), (object?)blob ?? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
    }

    /// <summary>Outputs of the steps a run has finished (succeeded, or failed and continued past): replay skips them.</summary>
    public async Task<Dictionary<string, JsonNode?>> CompletedStepsAsync(Guid runId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT step_name, output::text, output_blob FROM step_run WHERE run_id = $1 AND status IN ('SUCCEEDED', 'CONTINUED')");
        command.Parameters.Add(new() { Value = runId });
        var rows = new List<(string Name, JsonNode? Inline, string? Blob)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : JsonNode.Parse(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        var steps = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, inline, blob) in rows)
        {
            steps[name] = await blobs.LoadAsync(inline, blob, ct);
        }

        return steps;
    }

    public async Task<string?> StatusAsync(Guid runId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT status FROM flow_run WHERE id = $1");
        command.Parameters.Add(new() { Value = runId });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    internal static object Jsonb(JsonNode? node) => node is null ? DBNull.Value : new NpgsqlParameter { Value = node.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb };

    internal async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync(ct);
    }
}
