using Npgsql;

namespace OrderPlatform.FlowRunner.Runs;

/// <summary>The spec's run retry strategies (§9): replay from the failed step, or start over on the newest published version.</summary>
public static class RerunStrategy
{
    public const string FromFailedStep = "FROM_FAILED_STEP";
    public const string OnLatestVersion = "ON_LATEST_VERSION";

    public static readonly string[] All = [FromFailedStep, OnLatestVersion];

    /// <summary>Failed, timed-out, canceled and the other failed-set statuses; never a live run, nor one that succeeded.</summary>
    public static bool CanRerun(string status) => RunStatus.IsTerminal(status) && status != RunStatus.Succeeded;
}

public enum RerunResult
{
    Created,
    NotFound,
    NotRerunnable,
    NotPublished,
    AlreadyRerun,
}

public sealed record RerunOutcome(RerunResult Result, Guid? RunId = null, Guid? VersionId = null, string? Status = null);

/// <summary>
/// Creates a rerun in one transaction: the original row locked, a new QUEUED run linked by <c>rerun_of</c>, the trigger
/// payload copied, and for <see cref="RerunStrategy.FromFailedStep"/> the log rows of the top-level steps that completed,
/// which the executor's replay then skips with their logged outputs (as after a crash).
/// </summary>
public sealed class RerunStore(NpgsqlDataSource db)
{
    // Rows are copied through jsonb so columns added by later migrations (blob references, say) come along unnamed.
    private const string CopyPayload =
        "INSERT INTO run_payload SELECT (jsonb_populate_record(NULL::run_payload, to_jsonb(p) || jsonb_build_object('run_id', $1::uuid))).* " +
        "FROM run_payload p WHERE p.run_id = $2";

    // Top-level names have no '.' or '[' (nested rows do). A delay that paused the run logs itself done at the pause, so
    // one whose resume time is after the run ended (canceled or timed out while paused) did not complete.
    private const string CopyCompletedSteps =
        "INSERT INTO step_run SELECT (jsonb_populate_record(NULL::step_run, to_jsonb(s) || jsonb_build_object('run_id', $1::uuid, 'reused_from', $2::uuid))).* " +
        "FROM (SELECT DISTINCT ON (s.step_name) s.* FROM step_run s JOIN flow_run r ON r.id = s.run_id " +
        "      WHERE s.run_id = $2 AND s.status IN ('SUCCEEDED', 'CONTINUED') AND strpos(s.step_name, '.') = 0 AND strpos(s.step_name, '[') = 0 " +
        "        AND NOT (s.output ? 'resumeAt' AND (s.output->>'resumeAt')::timestamptz > coalesce(r.finished_at, now())) " +
        "      ORDER BY s.step_name, s.attempt DESC) s";

    public async Task<RerunOutcome> CreateAsync(Guid runId, string strategy, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var original = new NpgsqlCommand(
            "SELECT r.status, r.flow_id, r.flow_version_id, f.published_version_id, (SELECT c.id FROM flow_run c WHERE c.rerun_of = r.id) " +
            "FROM flow_run r JOIN flow f ON f.id = r.flow_id WHERE r.id = $1 FOR UPDATE OF r", connection, tx)
        { Parameters = { new() { Value = runId } } };
        string status;
        Guid flowId, versionId;
        Guid? published, existing;
        await using (var reader = await original.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return new(RerunResult.NotFound);
            }

            (status, flowId, versionId) = (reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2));
            published = reader.IsDBNull(3) ? null : reader.GetGuid(3);
            existing = reader.IsDBNull(4) ? null : reader.GetGuid(4);
        }

        if (!RerunStrategy.CanRerun(status))
        {
            return new(RerunResult.NotRerunnable, Status: status);
        }

        if (existing is not null)
        {
            return new(RerunResult.AlreadyRerun, existing, Status: status);
        }

        var version = strategy == RerunStrategy.FromFailedStep ? versionId : published;
        if (version is null)
        {
            return new(RerunResult.NotPublished, Status: status);
        }

        var id = Guid.CreateVersion7();
        await ExecuteAsync(connection, tx,
            "INSERT INTO flow_run (id, flow_id, flow_version_id, status, sync, rerun_of, rerun_strategy) VALUES ($1, $2, $3, 'QUEUED', false, $4, $5)",
            ct, id, flowId, version.Value, runId, strategy);
        await ExecuteAsync(connection, tx, CopyPayload, ct, id, runId);
        if (strategy == RerunStrategy.FromFailedStep)
        {
            await ExecuteAsync(connection, tx, CopyCompletedSteps, ct, id, runId);
        }

        await tx.CommitAsync(ct);
        return new(RerunResult.Created, id, version);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
