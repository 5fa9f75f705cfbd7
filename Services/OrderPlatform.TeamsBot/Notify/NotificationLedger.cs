using Npgsql;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Data;

namespace OrderPlatform.TeamsBot.Notify;

/// <summary>
/// Sends a notification at most once per (case, <c>Idempotency-Key</c>), across retries, restarts and replicas
/// (table <c>teamsbot_notifications</c>). The first caller claims the key for <see cref="ClaimFor"/>; a repeat after
/// the send is answered with the first result, a repeat during it gets "in progress", and a send that did not reach
/// the user releases the key so the next retry may try again.
/// </summary>
public sealed class NotificationLedger(BotSchema schema)
{
    public const int MaxKeyLength = 200;

    /// <summary>Longer than one send with all its connector retries; a claim held past it belonged to a dead replica.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);

    public async Task<NotifyOutcome> SendOnceAsync(string caseId, string key, Func<Task<NotifyOutcome>> send, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(cancellationToken);
        await using (var claim = schema.DataSource.CreateCommand("""
            INSERT INTO teamsbot_notifications (case_id, idempotency_key, claimed_until) VALUES ($1, $2, now() + $3)
            ON CONFLICT (case_id, idempotency_key) DO UPDATE SET claimed_until = EXCLUDED.claimed_until
                WHERE teamsbot_notifications.sent_at IS NULL AND teamsbot_notifications.claimed_until < now()
            """))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = caseId });
            claim.Parameters.Add(new NpgsqlParameter { Value = key });
            claim.Parameters.Add(new NpgsqlParameter { Value = ClaimFor });
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return await EarlierAsync(caseId, key, cancellationToken);
            }
        }

        NotifyOutcome outcome;
        try
        {
            outcome = await send();
        }
        catch (Exception e) when (e is not OperationCanceledException and not TimeoutException)
        {
            // A send that failed outright frees the key for the retry; one that timed out may have reached Teams,
            // so its claim is left to lapse (ClaimFor) rather than freed for a second post at once.
            await ReleaseAsync(caseId, key);
            throw;
        }

        if (outcome.Result?.Outcome == NotifyOutcomes.Sent)
        {
            await ExecuteAsync("UPDATE teamsbot_notifications SET sent_at = now(), claimed_until = NULL, activity_id = $3 " +
                "WHERE case_id = $1 AND idempotency_key = $2", CancellationToken.None, caseId, key, (object?)outcome.Result.ActivityId ?? DBNull.Value);
        }
        else
        {
            await ReleaseAsync(caseId, key);
        }

        return outcome;
    }

    private async Task<NotifyOutcome> EarlierAsync(string caseId, string key, CancellationToken cancellationToken)
    {
        await using var earlier = schema.DataSource.CreateCommand(
            "SELECT sent_at IS NOT NULL, activity_id FROM teamsbot_notifications WHERE case_id = $1 AND idempotency_key = $2");
        earlier.Parameters.Add(new NpgsqlParameter { Value = caseId });
        earlier.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await earlier.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && reader.GetBoolean(0)
            ? new NotifyOutcome(new NotifyResult(NotifyOutcomes.Sent, reader.IsDBNull(1) ? null : reader.GetString(1)))
            : new NotifyOutcome(null, InProgress: true);
    }

    // Not the request's token: a caller that hung up must not leave the key claimed until the claim lapses.
    private Task ReleaseAsync(string caseId, string key) => ExecuteAsync(
        "DELETE FROM teamsbot_notifications WHERE case_id = $1 AND idempotency_key = $2 AND sent_at IS NULL", CancellationToken.None, caseId, key);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = schema.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
