using Npgsql;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Data;

namespace OrderPlatform.TeamsBot.Conversations;

/// <summary>
/// Conversation references in the shared <c>ordersdb</c>, one row per (tenant, user); the table is one of
/// <see cref="BotSchema"/>'s.
/// </summary>
public sealed class PostgresConversationStore(BotSchema schema) : IConversationStore
{
    public async Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(cancellationToken);
        await using var command = schema.DataSource.CreateCommand("""
            INSERT INTO teamsbot_conversations
                (tenant_id, user_id, service_url, channel_id, conversation_id, user_aad_object_id, bot_id, locale, blocked_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, now())
            ON CONFLICT (tenant_id, user_id) DO UPDATE SET
                service_url = EXCLUDED.service_url, channel_id = EXCLUDED.channel_id,
                conversation_id = EXCLUDED.conversation_id, user_aad_object_id = EXCLUDED.user_aad_object_id,
                bot_id = EXCLUDED.bot_id, locale = EXCLUDED.locale, blocked_at = NULL, updated_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = reference.TenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = reference.UserId });
        command.Parameters.Add(new NpgsqlParameter { Value = reference.ServiceUrl });
        command.Parameters.Add(new NpgsqlParameter { Value = reference.ChannelId });
        command.Parameters.Add(new NpgsqlParameter { Value = reference.ConversationId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)reference.UserAadObjectId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = reference.BotId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)reference.Locale ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredConversation?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(cancellationToken);
        await using var command = schema.DataSource.CreateCommand("""
            SELECT service_url, channel_id, conversation_id, user_aad_object_id, bot_id, locale, blocked_at
            FROM teamsbot_conversations WHERE tenant_id = $1 AND user_id = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var reference = new ConversationReference(
            ServiceUrl: reader.GetString(0),
            ChannelId: reader.GetString(1),
            ConversationId: reader.GetString(2),
            TenantId: tenantId,
            UserId: userId,
            UserAadObjectId: reader.IsDBNull(3) ? null : reader.GetString(3),
            BotId: reader.GetString(4),
            Locale: reader.IsDBNull(5) ? null : reader.GetString(5));
        return new StoredConversation(reference, reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
    }

    public async Task MarkBlockedAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(cancellationToken);
        await using var command = schema.DataSource.CreateCommand(
            "UPDATE teamsbot_conversations SET blocked_at = now(), updated_at = now() WHERE tenant_id = $1 AND user_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
