using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using OrderPlatform.Worker.Data;

namespace OrderPlatform.Worker.Committee;

/// <summary>
/// Confirmed mappings in <c>ordersdb</c>, one row per tenant and customer, so what a human taught the committee survives
/// restarts and is shared by every worker. A save older than the stored confirmation never replaces it (workflow
/// retries can replay an earlier confirmation).
/// </summary>
public sealed class PostgresMappingHistory(NpgsqlDataSource dataSource, ILogger<PostgresMappingHistory>? logger = null)
    : IMappingHistory, IDisposable
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    public async Task<MappingProfile?> FindAsync(string tenantId, string customerKey, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var (tenant, customer) = InMemoryMappingHistory.Key(tenantId, customerKey);
        await using var command = dataSource.CreateCommand("SELECT profile FROM mapping_history WHERE tenant_id = $1 AND customer_key = $2");
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = customer });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
            ? JsonSerializer.Deserialize<MappingProfile>(json, _json)
            : null;
    }

    public async Task SaveConfirmedAsync(MappingProfile profile, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var (tenant, customer) = InMemoryMappingHistory.Key(profile.TenantId, profile.CustomerKey);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO mapping_history (tenant_id, customer_key, profile, confirmed_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant_id, customer_key) DO UPDATE SET profile = EXCLUDED.profile, confirmed_at = EXCLUDED.confirmed_at
            WHERE mapping_history.confirmed_at <= EXCLUDED.confirmed_at
            """);
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = customer });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(profile, _json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = profile.ConfirmedAt.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _initGate.Dispose();

    // Migrated on first use rather than by a hosted service, so the history works wherever it is resolved (tests, tools).
    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await WorkerSchema.ApplyAsync(dataSource, logger ?? NullLogger<PostgresMappingHistory>.Instance, cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }
}
