using Npgsql;
using OrderPlatform.Postgres;

namespace OrderPlatform.FlowRunner.Data;

/// <summary>
/// Applies the embedded <c>Data/Migrations/NNNN_name.sql</c> scripts at start through the shared
/// <see cref="SchemaMigrations"/> (history in <c>schema_migrations</c>), so replicas starting at once apply each once.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        SchemaMigrations.ApplyAsync(dataSource, "schema_migrations", Scripts(), logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static IReadOnlyList<Migration> Scripts() =>
        SchemaMigrations.Embedded(typeof(Migrator).Assembly, "OrderPlatform.FlowRunner.Data.Migrations.");
}
