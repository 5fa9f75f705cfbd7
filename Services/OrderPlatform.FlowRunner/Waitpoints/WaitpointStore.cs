using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OrderPlatform.FlowRunner.Blobs;
using OrderPlatform.FlowRunner.Connections;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Steps;

namespace OrderPlatform.FlowRunner.Waitpoints;

/// <summary>
/// Waitpoints (spec §7): one row per (run, step), PENDING → COMPLETED by the first request to the resume URL, or
/// TIMED_OUT when the step meets its deadline first. Every change is conditional on PENDING, so of two resumes, or a
/// resume racing the deadline, exactly one wins. The URL carries an HMAC of (run, step) and is known before the step
/// runs, so earlier steps can hand it out; a resume that beats the pause inserts the row already COMPLETED.
/// </summary>
public sealed class WaitpointStore(NpgsqlDataSource db, RunStore runs, RunBlobs blobs, SecretProtector protector, IOptions<FlowRunnerOptions> options)
{
    public string ResumePath(Guid runId, string step) => $"/api/v1/flow-runs/{runId}/waitpoints/{step}/{protector.ResumeToken(runId, step)}";

    public string ResumeUrl(Guid runId, string step) =>
        options.Value.PublicUrl is { } root ? new Uri(root, ResumePath(runId, step)).ToString() : ResumePath(runId, step);

    /// <summary>What templates see as <c>waitpoints</c>: each wait-for-webhook step's <c>resumeUrl</c>.</summary>
    public JsonObject UrlsFor(Guid runId, FlowDefinition flow) => new(flow.Steps.OfType<WaitForWebhookStep>()
        .Select(w => KeyValuePair.Create(w.Name, (JsonNode?)new JsonObject { ["resumeUrl"] = ResumeUrl(runId, w.Name) })));

    /// <summary>
    /// The step's side: the resume request when it came, a typed failure past the deadline, else
    /// <see cref="PauseRequested"/> until the deadline (the delayed queue wakes the run then, to fail the step).
    /// </summary>
    public async Task<JsonNode?> EnterAsync(Guid runId, WaitForWebhookStep step, CancellationToken ct)
    {
        await runs.ExecuteAsync("INSERT INTO waitpoint (run_id, step_name, status, expires_at) VALUES ($1, $2, 'PENDING', now() + $3) ON CONFLICT DO NOTHING",
            ct, runId, step.Name, TimeSpan.FromSeconds(step.TimeoutSeconds));
        await runs.ExecuteAsync("UPDATE waitpoint SET status = 'TIMED_OUT' WHERE run_id = $1 AND step_name = $2 AND status = 'PENDING' AND expires_at <= now()",
            ct, runId, step.Name);
        await using var command = db.CreateCommand("SELECT status, expires_at, payload::text, payload_blob FROM waitpoint WHERE run_id = $1 AND step_name = $2");
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = step.Name });
        string status;
        DateTimeOffset? expires;
        JsonNode? payload;
        string? blob;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            status = reader.GetString(0);
            expires = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            payload = reader.IsDBNull(2) ? null : JsonNode.Parse(reader.GetString(2));
            blob = reader.IsDBNull(3) ? null : reader.GetString(3);
        }

        return status switch
        {
            "COMPLETED" => await blobs.LoadAsync(payload, blob, ct),
            "TIMED_OUT" => throw new StepFailure("WAITPOINT_TIMEOUT", $"No request reached the step's resume URL within {step.TimeoutSeconds} s."),
            _ => throw new PauseRequested(step.Name, expires ?? DateTimeOffset.UtcNow, completes: false),
        };
    }

    public async Task<bool> IsCompletedAsync(Guid runId, string step, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT status = 'COMPLETED' FROM waitpoint WHERE run_id = $1 AND step_name = $2");
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = step });
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>The resume's side: true when this request completed the waitpoint of a run still in progress.</summary>
    public async Task<bool> CompleteAsync(Guid runId, string step, JsonObject request, CancellationToken ct)
    {
        var (inline, blob) = await blobs.OffloadAsync($"runs/{runId}/waitpoints/{step}/{Guid.NewGuid():N}.json", request, blobs.Limits.InlineBodyBytes, ct);
        return await runs.ExecuteAsync(
            "WITH run AS (SELECT id FROM flow_run WHERE id = $1 AND status IN ('QUEUED', 'RUNNING', 'PAUSED')) " +
            "INSERT INTO waitpoint (run_id, step_name, status, completed_at, payload, payload_blob) SELECT id, $2, 'COMPLETED', now(), $3::jsonb, $4::text FROM run " +
            "ON CONFLICT (run_id, step_name) DO UPDATE SET status = 'COMPLETED', completed_at = now(), payload = excluded.payload, payload_blob = excluded.payload_blob " +
            "WHERE waitpoint.status = 'PENDING' AND (waitpoint.expires_at IS NULL OR waitpoint.expires_at > now())",
            ct, runId, step, RunStore.Jsonb(inline), (object?)blob ?? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }) == 1;
    }

    /// <summary>Why a resume was refused: the run's status and the waitpoint's (null when none).</summary>
    public async Task<(string? Run, string? Waitpoint)> StatusAsync(Guid runId, string step, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT r.status, w.status FROM flow_run r LEFT JOIN waitpoint w ON w.run_id = r.id AND w.step_name = $2 WHERE r.id = $1");
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = step });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : (null, null);
    }
}
