using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace OrderPlatform.FlowRunner.Flows;

public sealed record FlowSummary(Guid Id, string DisplayName, string Status, Guid? PublishedVersionId, bool SignatureSecretSet, DateTimeOffset UpdatedAt);

public sealed record FlowVersionInfo(Guid Id, int Number, string State, string DisplayName, DateTimeOffset CreatedAt);

/// <summary>The version a webhook route runs, with what the route needs to accept or refuse the request.</summary>
public sealed record WebhookTarget(Guid FlowId, bool Enabled, Guid VersionId, FlowDefinition Definition, string? Secret);

/// <summary>Flows and their versions in <c>flowsdb</c>: one mutable DRAFT per flow, LOCKED versions immutable.</summary>
public sealed class FlowStore(NpgsqlDataSource db, LockedDefinitions definitions)
{
    public async Task<Guid> CreateAsync(string displayName, JsonNode definition, string? secret, CancellationToken ct)
    {
        // Random (v4), not time-ordered: the id is the webhook URL, so it must not be guessable from another flow's.
        var id = Guid.NewGuid();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var flow = new NpgsqlCommand("INSERT INTO flow (id, display_name, webhook_secret) VALUES ($1, $2, $3)", connection, tx))
        {
            flow.Parameters.Add(new() { Value = id });
            flow.Parameters.Add(new() { Value = displayName });
            flow.Parameters.Add(new() { Value = (object?)secret ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await flow.ExecuteNonQueryAsync(ct);
        }

        await InsertDraftAsync(connection, tx, id, 1, displayName, definition, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>Replaces the draft, or starts a new one after the last publish. False when the flow does not exist.</summary>
    public async Task<bool> SaveDraftAsync(Guid flowId, string displayName, JsonNode definition, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var check = new NpgsqlCommand("UPDATE flow SET display_name = $2, updated_at = now() WHERE id = $1", connection, tx)
        { Parameters = { new() { Value = flowId }, new() { Value = displayName } } };
        if (await check.ExecuteNonQueryAsync(ct) == 0)
        {
            return false;
        }

        await using var update = new NpgsqlCommand(
            "UPDATE flow_version SET definition = $2, display_name = $3 WHERE flow_id = $1 AND state = 'DRAFT'", connection, tx)
        {
            Parameters = { new() { Value = flowId }, new() { Value = definition.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb }, new() { Value = displayName } },
        };
        if (await update.ExecuteNonQueryAsync(ct) == 0)
        {
            await using var next = new NpgsqlCommand("SELECT coalesce(max(number), 0) + 1 FROM flow_version WHERE flow_id = $1", connection, tx)
            { Parameters = { new() { Value = flowId } } };
            await InsertDraftAsync(connection, tx, flowId, (int)(await next.ExecuteScalarAsync(ct))!, displayName, definition, ct);
        }

        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Locks the draft as the published version. Null when there is no draft to publish.</summary>
    public async Task<Guid?> PublishAsync(Guid flowId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "WITH locked AS (UPDATE flow_version SET state = 'LOCKED' WHERE flow_id = $1 AND state = 'DRAFT' RETURNING id) " +
            "UPDATE flow SET published_version_id = locked.id, updated_at = now() FROM locked WHERE flow.id = $1 RETURNING locked.id");
        command.Parameters.Add(new() { Value = flowId });
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>Only a published flow can be enabled. Null: no such flow; false: enabling an unpublished flow.</summary>
    public async Task<bool?> SetEnabledAsync(Guid flowId, bool enabled, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "UPDATE flow SET status = $2, updated_at = now() WHERE id = $1 AND ($2 = 'DISABLED' OR published_version_id IS NOT NULL) RETURNING id");
        command.Parameters.Add(new() { Value = flowId });
        command.Parameters.Add(new() { Value = enabled ? "ENABLED" : "DISABLED" });
        if (await command.ExecuteScalarAsync(ct) is Guid)
        {
            return true;
        }

        return await GetAsync(flowId, ct) is null ? null : false;
    }

    public async Task<FlowSummary?> GetAsync(Guid flowId, CancellationToken ct) => (await ListAsync(flowId, ct)).FirstOrDefault();

    public async Task<List<FlowSummary>> ListAsync(Guid? flowId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT id, display_name, status, published_version_id, webhook_secret IS NOT NULL, updated_at FROM flow " +
            "WHERE $1::uuid IS NULL OR id = $1 ORDER BY updated_at DESC LIMIT 500");
        command.Parameters.Add(new() { Value = (object?)flowId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var flows = new List<FlowSummary>();
        while (await reader.ReadAsync(ct))
        {
            flows.Add(new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetBoolean(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return flows;
    }

    public async Task<List<FlowVersionInfo>> VersionsAsync(Guid flowId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, number, state, display_name, created_at FROM flow_version WHERE flow_id = $1 ORDER BY number DESC");
        command.Parameters.Add(new() { Value = flowId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var versions = new List<FlowVersionInfo>();
        while (await reader.ReadAsync(ct))
        {
            versions.Add(new(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return versions;
    }

    /// <summary>The newest version's name and definition (the draft if any), as import takes it back.</summary>
    public async Task<(string DisplayName, JsonNode Definition)?> ExportAsync(Guid flowId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT display_name, definition::text FROM flow_version WHERE flow_id = $1 ORDER BY number DESC LIMIT 1");
        command.Parameters.Add(new() { Value = flowId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), JsonNode.Parse(reader.GetString(1))!) : null;
    }

    /// <summary>
    /// The version a webhook runs: for the draft routes the newest version, otherwise the published one (falling back to
    /// the newest, as the reference does). Null when the flow does not exist. A LOCKED version's definition comes from
    /// the cache after its first use, so the row's JSON is neither sent nor parsed again on every webhook.
    /// </summary>
    public async Task<WebhookTarget?> WebhookTargetAsync(Guid flowId, bool draft, CancellationToken ct)
    {
        if (await TargetRowAsync(flowId, draft, ct) is not { } row)
        {
            return null;
        }

        // A LOCKED version's JSON is not sent: the cache has it, or (first use, or evicted) one more query reads it.
        var definition = row.DraftJson is { } json ? LockedDefinitions.Parse(json) : definitions.Get(row.VersionId);
        definition ??= await VersionAsync(row.VersionId, ct) ?? throw new InvalidOperationException($"Flow version {row.VersionId} is missing.");
        return new(flowId, row.Enabled, row.VersionId, definition, row.Secret);
    }

    private async Task<(bool Enabled, Guid VersionId, string? DraftJson, string? Secret)?> TargetRowAsync(Guid flowId, bool draft, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT f.status, v.id, CASE WHEN v.state = 'LOCKED' THEN NULL ELSE v.definition::text END, f.webhook_secret " +
            "FROM flow f JOIN flow_version v ON v.flow_id = f.id " +
            "WHERE f.id = $1 ORDER BY (NOT $2 AND v.id = f.published_version_id) DESC, v.number DESC LIMIT 1");
        command.Parameters.Add(new() { Value = flowId });
        command.Parameters.Add(new() { Value = draft });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (reader.GetString(0) == "ENABLED", reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }

    /// <summary>A version's definition; LOCKED ones (immutable) from the cache once read.</summary>
    public async Task<FlowDefinition?> VersionAsync(Guid versionId, CancellationToken ct)
    {
        if (definitions.Get(versionId) is { } cached)
        {
            return cached;
        }

        await using var command = db.CreateCommand("SELECT state = 'LOCKED', definition::text FROM flow_version WHERE id = $1");
        command.Parameters.Add(new() { Value = versionId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var definition = LockedDefinitions.Parse(reader.GetString(1));
        if (reader.GetBoolean(0))
        {
            definitions.Add(versionId, definition);
        }

        return definition;
    }

    private static async Task InsertDraftAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid flowId, int number, string displayName, JsonNode definition, CancellationToken ct)
    {
        await using var version = new NpgsqlCommand(
            "INSERT INTO flow_version (id, flow_id, number, display_name, schema_version, definition, state) VALUES ($1, $2, $3, $4, $5, $6, 'DRAFT')", connection, tx);
        version.Parameters.Add(new() { Value = Guid.CreateVersion7() });
        version.Parameters.Add(new() { Value = flowId });
        version.Parameters.Add(new() { Value = number });
        version.Parameters.Add(new() { Value = displayName });
        version.Parameters.Add(new() { Value = FlowDefinition.CurrentSchemaVersion });
        version.Parameters.Add(new() { Value = definition.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await version.ExecuteNonQueryAsync(ct);
    }
}
