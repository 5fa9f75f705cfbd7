using Npgsql;
using OrderPlatform.Contracts;

namespace OrderPlatform.TeamsBot.Conversations;

/// <summary>
/// Conversation references in the shared <c>ordersdb</c>, one row per (tenant, user). The schema is brought up to date
/// on first use by <see cref="Migrations"/>, so the bot needs no migration step of its own.
/// </summary>
public sealed class PostgresConversationStore(NpgsqlDataSource dataSource) : IConversationStore, IDisposable
{
    /// <summary>Versioned steps, applied once each in order; a change to the table is a new entry, never an edit.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS teamsbot_conversations (
            tenant_id          text        NOT NULL,
            user_id            text        NOT NULL,
            service_url        text        NOT NULL,
            channel_id         text        NOT NULL,
            conversation_id    text        NOT NULL,
            user_aad_object_id text        NULL,
            bot_id             text        NOT NULL,
            locale             text        NULL,
            blocked_at         timestamptz NULL,
            updated_at         timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, user_id))
        """,
    ];

    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public async Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = dataSource.CreateCommand("""
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
        await EnsureSchemaAsync(cancellationToken);
        await using var command = dataSource.CreateCommand("""
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
        await EnsureSchemaAsync(cancellationToken);
        await using var command = dataSource.CreateCommand(
            "UPDATE teamsbot_conversations SET blocked_at = now(), updated_at = now() WHERE tenant_id = $1 AND user_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => _schemaGate.Dispose();

    /// <summary>
    /// Two replicas starting on an empty database both ran CREATE TABLE IF NOT EXISTS, which is not safe concurrently
    /// (one fails on pg_type's unique index). A transaction-scoped advisory lock lets one migrate while the other waits
    /// and then finds nothing left to do.
    /// </summary>
    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var setup = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(hashtext('teamsbot_schema_migrations'));
            CREATE TABLE IF NOT EXISTS teamsbot_schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """, connection, transaction))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var current = new NpgsqlCommand("SELECT COALESCE(max(version), 0) FROM teamsbot_schema_migrations", connection, transaction);
        var applied = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        for (var version = applied + 1; version <= Migrations.Length; version++)
        {
            await using var step = new NpgsqlCommand(
                $"{Migrations[version - 1]};\nINSERT INTO teamsbot_schema_migrations (version) VALUES ({version})", connection, transaction);
            await step.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await MigrateAsync(cancellationToken);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }
}
