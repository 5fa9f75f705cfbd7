using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Queue;

namespace OrderPlatform.FlowRunner.Schedules;

/// <summary>
/// Schedule triggers. A flow's registration (one row per flow in <c>flow_schedule</c>) follows its published version
/// and enabled state. Every replica ticks: due rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, and in the same
/// transaction the fire's run is inserted (unique per version and fire time) and <c>next_fire_at</c> moved on, so a
/// fire time runs once however many replicas tick. Missed fire times (nothing ran) become one run for the latest
/// (<c>coalesce</c>) or none if it is over <c>MisfireGrace</c> late (<c>skip</c>).
/// </summary>
public sealed class Scheduler(NpgsqlDataSource db, RunQueue queue, IOptions<FlowRunnerOptions> options, ILogger<Scheduler> logger) : BackgroundService
{
    /// <summary>Registers, moves or removes the flow's schedule after a publish, enable or disable.</summary>
    public async Task SyncAsync(Guid flowId, CancellationToken ct)
    {
        await using var read = db.CreateCommand(
            "SELECT f.status, v.id, v.definition::text FROM flow f JOIN flow_version v ON v.id = f.published_version_id WHERE f.id = $1");
        read.Parameters.Add(new() { Value = flowId });
        ScheduleDefinition? schedule = null;
        Guid versionId = default;
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct) && reader.GetString(0) == "ENABLED")
            {
                versionId = reader.GetGuid(1);
                var trigger = JsonSerializer.Deserialize<FlowDefinition>(reader.GetString(2), FlowDefinition.Json)!.Trigger;
                schedule = trigger.Type == "schedule" ? trigger.Schedule : null;
            }
        }

        await using var write = schedule is null
            ? db.CreateCommand("DELETE FROM flow_schedule WHERE flow_id = $1")
            : db.CreateCommand("INSERT INTO flow_schedule (flow_id, flow_version_id, next_fire_at) VALUES ($1, $2, $3) " +
                "ON CONFLICT (flow_id) DO UPDATE SET flow_version_id = excluded.flow_version_id, next_fire_at = excluded.next_fire_at");
        write.Parameters.Add(new() { Value = flowId });
        if (schedule is not null)
        {
            write.Parameters.Add(new() { Value = versionId });
            write.Parameters.Add(new() { Value = ScheduleClock.Next(schedule, DateTimeOffset.UtcNow) });
        }

        await write.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var runId in await FireDueAsync(stoppingToken))
                {
                    // Not awaited past a stop (Redis may be gone first): the reaper enqueues a stored run left behind.
                    await queue.EnqueueAsync(runId, sync: false).WaitAsync(stoppingToken);
                }

                await Task.Delay(options.Value.SchedulerInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A run stored but not enqueued here is enqueued by the reaper.
                logger.LogWarning("Schedule tick failed ({Error}); next tick in {Interval}.", e.GetType().Name, options.Value.SchedulerInterval);
                await Task.Delay(options.Value.SchedulerInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One tick: the runs it created.</summary>
    public async Task<List<Guid>> FireDueAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var due = new List<(Guid Flow, Guid Version, DateTimeOffset Next, ScheduleDefinition Schedule)>();
        await using (var claim = new NpgsqlCommand(
            "SELECT s.flow_id, s.flow_version_id, s.next_fire_at, v.definition::text FROM flow_schedule s JOIN flow_version v ON v.id = s.flow_version_id " +
            "WHERE s.next_fire_at <= now() ORDER BY s.next_fire_at LIMIT 100 FOR UPDATE OF s SKIP LOCKED", connection, tx))
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var schedule = JsonSerializer.Deserialize<FlowDefinition>(reader.GetString(3), FlowDefinition.Json)!.Trigger.Schedule;
                if (schedule is not null)
                {
                    due.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2), schedule));
                }
            }
        }

        var created = new List<Guid>();
        var now = DateTimeOffset.UtcNow;
        foreach (var (flow, version, next, schedule) in due)
        {
            var fire = LatestDue(schedule, next, now);
            if (schedule.Misfire == "coalesce" || now - fire <= options.Value.MisfireGrace)
            {
                if (await InsertRunAsync(connection, tx, flow, version, fire, ct) is { } runId)
                {
                    created.Add(runId);
                }
            }

            await using var advance = new NpgsqlCommand("UPDATE flow_schedule SET next_fire_at = $2 WHERE flow_id = $1", connection, tx);
            advance.Parameters.Add(new() { Value = flow });
            advance.Parameters.Add(new() { Value = ScheduleClock.Next(schedule, now) });
            await advance.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return created;
    }

    private static DateTimeOffset LatestDue(ScheduleDefinition schedule, DateTimeOffset first, DateTimeOffset now)
    {
        var fire = first;
        for (var i = 0; i < 100_000; i++)
        {
            var next = ScheduleClock.Next(schedule, fire);
            if (next > now)
            {
                break;
            }

            fire = next;
        }

        return fire;
    }

    private static async Task<Guid?> InsertRunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid flow, Guid version, DateTimeOffset fire, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var run = new NpgsqlCommand(
            "INSERT INTO flow_run (id, flow_id, flow_version_id, status, sync, fire_time) VALUES ($1, $2, $3, 'QUEUED', false, $4) ON CONFLICT DO NOTHING", connection, tx);
        run.Parameters.Add(new() { Value = id });
        run.Parameters.Add(new() { Value = flow });
        run.Parameters.Add(new() { Value = version });
        run.Parameters.Add(new() { Value = fire });
        if (await run.ExecuteNonQueryAsync(ct) == 0)
        {
            return null;
        }

        await using var payload = new NpgsqlCommand(
            "INSERT INTO run_payload (run_id, method, headers, query, content_type, body) VALUES ($1, 'SCHEDULE', '{}', '{}', 'application/json', $2)", connection, tx);
        payload.Parameters.Add(new() { Value = id });
        payload.Parameters.Add(new() { Value = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["fireTime"] = fire.ToString("O") }) });
        await payload.ExecuteNonQueryAsync(ct);
        return id;
    }
}
