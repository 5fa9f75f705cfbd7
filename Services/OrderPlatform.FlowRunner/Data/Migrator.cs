using Npgsql;

namespace OrderPlatform.FlowRunner.Data;

/// <summary>
/// Applies the embedded <c>Data/Migrations/NNNN_name.sql</c> scripts in order, each once, each in its own transaction
/// with its row in <c>schema_migrations</c>. A transaction-level advisory lock serialises replicas that start at the
/// same moment: the second waits, then finds the scripts recorded and applies nothing.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger) : IHostedService
{
    // Any fixed 64-bit number; it only has to differ from other advisory locks taken in flowsdb.
    private const long LockId = 0x466c6f7752756e;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, sql) in Scripts())
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await Execute(connection, $"SELECT pg_advisory_xact_lock({LockId}); CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken).ConfigureAwait(false);
            await using var check = new NpgsqlCommand("SELECT count(*) FROM schema_migrations WHERE name = $1", connection) { Parameters = { new() { Value = name } } };
            if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
            {
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await Execute(connection, sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES ($1)", connection) { Parameters = { new() { Value = name } } };
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Applied migration {Migration}", name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static IEnumerable<(string Name, string Sql)> Scripts()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "OrderPlatform.FlowRunner.Data.Migrations.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (resource[prefix.Length..^".sql".Length], reader.ReadToEnd());
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
