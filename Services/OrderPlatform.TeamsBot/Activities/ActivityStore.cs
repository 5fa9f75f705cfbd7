using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrderPlatform.TeamsBot.Data;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>How acknowledged messages are worked off (<c>Bot:Activities</c>).</summary>
public sealed class ActivityQueueOptions
{
    public const string Section = "Bot:Activities";

    /// <summary>How long a claim holds without renewal; a crashed replica's activities are taken over after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for activities other replicas (or a previous run) left behind.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 64)]
    public int Parallelism { get; set; } = 4;

    /// <summary>One activity's handling at most (download, Api, connector); past it the user is asked to try again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Claims of one activity (crashes in between count); the last one only tells the user to try again.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long handled activities are kept to recognise the connector's retries.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan KeepDone { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>An activity claimed by this replica; <see cref="Attempt"/> counts claims including this one.</summary>
public sealed record ClaimedActivity(long Id, Activity Activity, int Attempt);

/// <summary>
/// The durable queue behind <c>/api/messages</c> (table <c>teamsbot_activities</c>): an activity is written before the
/// connector gets its 200, claimed with <c>FOR UPDATE SKIP LOCKED</c> under a lease that the claiming replica renews,
/// and marked done after the user was answered. A replica that dies leaves its leases to lapse; the next claim takes
/// those activities again.
/// </summary>
public sealed class ActivityStore(BotSchema schema)
{
    /// <summary>False when the activity is there already (a connector retry), which is then not handled twice.</summary>
    public async Task<bool> EnqueueAsync(Activity activity, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(cancellationToken);
        var key = string.IsNullOrEmpty(activity.Id) ? $"anonymous:{Guid.NewGuid():N}" : $"{activity.Conversation?.Id}:{activity.Id}";
        await using var command = schema.DataSource.CreateCommand(
            "INSERT INTO teamsbot_activities (dedupe_key, payload) VALUES ($1, $2) ON CONFLICT (dedupe_key) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(activity, BotJson.Options) });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<ClaimedActivity>> ClaimAsync(string owner, int count, TimeSpan lease, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(cancellationToken);
        await using var command = schema.DataSource.CreateCommand("""
            UPDATE teamsbot_activities a SET leased_by = $1, leased_until = now() + $2, attempts = a.attempts + 1
            FROM (SELECT id FROM teamsbot_activities
                  WHERE done_at IS NULL AND (leased_until IS NULL OR leased_until < now())
                  ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) next
            WHERE a.id = next.id
            RETURNING a.id, a.payload::text, a.attempts
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = lease });
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        var claimed = new List<ClaimedActivity>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var activity = JsonSerializer.Deserialize<Activity>(reader.GetString(1), BotJson.Options)!;
            claimed.Add(new ClaimedActivity(reader.GetInt64(0), activity, reader.GetInt32(2)));
        }

        return [.. claimed.OrderBy(c => c.Id)];
    }

    /// <summary>Extends this replica's leases on the activities it is still handling.</summary>
    public Task RenewAsync(string owner, IReadOnlyCollection<long> ids, TimeSpan lease, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE teamsbot_activities SET leased_until = now() + $2 WHERE leased_by = $1 AND id = ANY($3) AND done_at IS NULL",
            cancellationToken, owner, lease, ids.ToArray());

    public Task CompleteAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE teamsbot_activities SET done_at = now(), leased_by = NULL, leased_until = NULL WHERE id = $1", cancellationToken, id);

    /// <summary>Gives an activity back at once (shutdown), so another replica need not wait for the lease to lapse.</summary>
    public Task ReleaseAsync(string owner, long id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE teamsbot_activities SET leased_by = NULL, leased_until = NULL, attempts = greatest(attempts - 1, 0) " +
            "WHERE id = $1 AND leased_by = $2 AND done_at IS NULL", cancellationToken, id, owner);

    public Task PurgeAsync(TimeSpan keep, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM teamsbot_activities WHERE done_at < now() - $1", cancellationToken, keep);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] values)
    {
        await schema.EnsureAsync(cancellationToken);
        await using var command = schema.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
