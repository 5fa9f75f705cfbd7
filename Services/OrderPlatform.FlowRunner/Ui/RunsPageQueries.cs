using Npgsql;
using NpgsqlTypes;

namespace OrderPlatform.FlowRunner.Ui;

public sealed record RecentRun(Guid Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, Guid? RerunOf);

public sealed record FlowRuns(Guid Id, string Name, string Status, int? PublishedNumber, List<RecentRun> Runs);

/// <summary>Where a run sits: its flow and version, the run it reran and the run that reran it, and the steps it reused.</summary>
public sealed record RunLineage(Guid FlowId, string FlowName, int VersionNumber, string VersionState, Guid? RerunOf, string? Strategy, Guid? RerunBy, string[] Reused);

/// <summary>The runs page's reads that the JSON API has no shape for (the rest it shares with <see cref="Runs.RunQueries"/>).</summary>
public sealed class RunsPageQueries(NpgsqlDataSource db)
{
    /// <summary>The newest flows (or one), each with its newest runs, in one round trip.</summary>
    public async Task<List<FlowRuns>> FlowsAsync(Guid? flowId, int runsPerFlow, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT f.id, f.display_name, f.status, v.number, r.id, r.status, r.created_at, r.started_at, r.finished_at, r.rerun_of " +
            "FROM (SELECT * FROM flow WHERE $1::uuid IS NULL OR id = $1 ORDER BY updated_at DESC LIMIT 200) f " +
            "LEFT JOIN flow_version v ON v.id = f.published_version_id " +
            "LEFT JOIN LATERAL (SELECT * FROM flow_run WHERE flow_id = f.id ORDER BY created_at DESC LIMIT $2) r ON true " +
            "ORDER BY f.updated_at DESC, f.id, r.created_at DESC");
        command.Parameters.Add(new() { Value = (object?)flowId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = runsPerFlow });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var flows = new List<FlowRuns>();
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            if (flows.Count == 0 || flows[^1].Id != id)
            {
                flows.Add(new(id, reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt32(3), []));
            }

            if (!reader.IsDBNull(4))
            {
                flows[^1].Runs.Add(new(reader.GetGuid(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                    Time(reader, 7), Time(reader, 8), reader.IsDBNull(9) ? null : reader.GetGuid(9)));
            }
        }

        return flows;
    }

    public async Task<RunLineage?> LineageAsync(Guid runId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT f.id, f.display_name, v.number, v.state, r.rerun_of, r.rerun_strategy, (SELECT c.id FROM flow_run c WHERE c.rerun_of = r.id), " +
            "array(SELECT s.step_name FROM step_run s WHERE s.run_id = r.id AND s.reused_from IS NOT NULL) " +
            "FROM flow_run r JOIN flow f ON f.id = r.flow_id JOIN flow_version v ON v.id = r.flow_version_id WHERE r.id = $1");
        command.Parameters.Add(new() { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.GetFieldValue<string[]>(7))
            : null;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}
