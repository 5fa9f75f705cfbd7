using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrderPlatform.Contracts;
using OrderPlatform.Postgres;

namespace OrderPlatform.Cases;

/// <summary>
/// The local default: one JSONB document per case in <c>order_cases</c> and the audit trail in
/// <c>order_case_events</c>, which a trigger keeps append-only.
/// </summary>
public sealed class PostgresCaseStore(NpgsqlDataSource dataSource, TimeProvider time, ILogger<PostgresCaseStore>? logger = null) : ICaseStore
{
    internal static readonly IReadOnlyList<Migration> Migrations =
        SchemaMigrations.Embedded(typeof(PostgresCaseStore).Assembly, "OrderPlatform.Cases.Migrations.");

    private readonly ILogger _logger = logger ?? NullLogger<PostgresCaseStore>.Instance;

    /// <summary>
    /// Brings <c>ordersdb</c>'s case tables up to date with the embedded <c>Migrations/NNNN_name.sql</c> scripts (history
    /// in <c>order_cases_migrations</c>); Api and Worker replicas starting together serialise on its advisory lock.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        SchemaMigrations.ApplyAsync(dataSource, OrdersDatabase.CaseStoreHistory, Migrations, _logger, cancellationToken);

    public async Task<CaseDocument> CreateAsync(CaseDocument document, CaseEventDraft created, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = document with { Version = 1, CreatedAt = now, UpdatedAt = now };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO order_cases (id, tenant_id, status, version, created_at, updated_at, document)
            VALUES (@id, @tenant, @status, 1, @now, @now, @doc) ON CONFLICT (id) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", stored.Id);
            insert.Parameters.AddWithValue("tenant", stored.TenantId);
            insert.Parameters.AddWithValue("status", stored.Status.ToString());
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.Add(new NpgsqlParameter("doc", NpgsqlDbType.Jsonb) { Value = Serialize(stored) });
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new CaseAlreadyExistsException(stored.Id);
            }
        }

        await InsertEventAsync(connection, transaction, stored.Id, 1, now, created, null, stored.Status, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task<CaseDocument?> FindAsync(string caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT document FROM order_cases WHERE id = @id");
        command.Parameters.AddWithValue("id", caseId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? Deserialize(json) : null;
    }

    public async Task<CaseDocument> ReplaceAsync(CaseDocument changed, CaseEventDraft change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var (status, version) = await LockAsync(connection, transaction, changed.Id, cancellationToken).ConfigureAwait(false);
        if (version != changed.Version)
        {
            throw new CaseConcurrencyException(changed.Id, changed.Version);
        }

        CaseTransitions.EnsureAllowed(changed.Id, status, changed.Status);
        var now = time.GetUtcNow();
        var stored = changed with { Version = version + 1, UpdatedAt = now };
        await using (var update = new NpgsqlCommand("""
            UPDATE order_cases SET status = @status, version = @version, updated_at = @now, document = @doc WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("id", stored.Id);
            update.Parameters.AddWithValue("status", stored.Status.ToString());
            update.Parameters.AddWithValue("version", stored.Version);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.Add(new NpgsqlParameter("doc", NpgsqlDbType.Jsonb) { Value = Serialize(stored) });
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertEventAsync(connection, transaction, stored.Id, null, now, change, status, stored.Status, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task AppendEventAsync(string caseId, CaseEventDraft happened, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, transaction, caseId, cancellationToken).ConfigureAwait(false);
        await InsertEventAsync(connection, transaction, caseId, null, time.GetUtcNow(), happened, null, null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CaseEvent>> GetEventsAsync(string caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT seq, at, actor, step, detail, from_status, to_status FROM order_case_events WHERE case_id = @id ORDER BY seq
            """);
        command.Parameters.AddWithValue("id", caseId);
        var events = new List<CaseEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new CaseEvent(caseId, reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), ParseStatus(reader, 5), ParseStatus(reader, 6)));
        }

        return events;
    }

    public async Task<CasePage> ListAsync(CaseQuery query, CancellationToken cancellationToken)
    {
        const string Filter = "(@tenant::text IS NULL OR tenant_id = @tenant) AND (@status::text IS NULL OR status = @status)"
            + " AND (@tenants::text[] IS NULL OR tenant_id = ANY(@tenants))";
        await using var batch = dataSource.CreateBatch();
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM order_cases WHERE {Filter}");
        var page = new NpgsqlBatchCommand($"""
            SELECT document FROM order_cases WHERE {Filter} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset
            """);
        foreach (var command in new[] { count, page })
        {
            command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = (object?)query.TenantId ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)query.Status?.ToString() ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("tenants", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)query.Tenants?.ToArray() ?? DBNull.Value });
        }

        page.Parameters.AddWithValue("limit", query.PageSize);
        page.Parameters.AddWithValue("offset", (long)(query.Page - 1) * query.PageSize);
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(page);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<CaseSummary>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(Summarize(Deserialize(reader.GetString(0))));
        }

        return new CasePage(items, query.Page, query.PageSize, total);
    }

    internal static CaseSummary Summarize(CaseDocument d) => new(d.Id, d.TenantId, d.UserId, d.Status, d.Step, d.CreatedAt, d.UpdatedAt);

    private static async Task<(CaseStatus Status, long Version)> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string caseId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("SELECT status, version FROM order_cases WHERE id = @id FOR UPDATE", connection, transaction);
        select.Parameters.AddWithValue("id", caseId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new CaseNotFoundException(caseId);
        }

        return (Enum.Parse<CaseStatus>(reader.GetString(0)), reader.GetInt64(1));
    }

    private static async Task InsertEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string caseId, long? sequence,
        DateTimeOffset at, CaseEventDraft draft, CaseStatus? from, CaseStatus? to, CancellationToken cancellationToken)
    {
        // The case row is locked (or just inserted) in this transaction, so max(seq) + 1 cannot race.
        await using var insert = new NpgsqlCommand("""
            INSERT INTO order_case_events (case_id, seq, at, actor, step, detail, from_status, to_status)
            VALUES (@id, COALESCE(@seq, (SELECT COALESCE(max(seq), 0) + 1 FROM order_case_events WHERE case_id = @id)),
                    @at, @actor, @step, @detail, @from, @to)
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", caseId);
        insert.Parameters.Add(new NpgsqlParameter("seq", NpgsqlDbType.Bigint) { Value = (object?)sequence ?? DBNull.Value });
        insert.Parameters.AddWithValue("at", at);
        insert.Parameters.AddWithValue("actor", draft.Actor);
        insert.Parameters.AddWithValue("step", draft.Step);
        insert.Parameters.AddWithValue("detail", draft.Detail);
        insert.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Text) { Value = (object?)from?.ToString() ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Text) { Value = (object?)to?.ToString() ?? DBNull.Value });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static CaseStatus? ParseStatus(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Enum.Parse<CaseStatus>(reader.GetString(ordinal));

    private static string Serialize(CaseDocument document) => JsonSerializer.Serialize(document, CaseJson.Options);

    private static CaseDocument Deserialize(string json) =>
        JsonSerializer.Deserialize<CaseDocument>(json, CaseJson.Options) ?? throw new InvalidOperationException("Empty case document.");
}
