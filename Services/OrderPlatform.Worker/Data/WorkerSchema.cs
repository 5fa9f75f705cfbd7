using Npgsql;
using OrderPlatform.Postgres;

namespace OrderPlatform.Worker.Data;

/// <summary>
/// The Worker's tables in <c>ordersdb</c> (catalogue replica, mapping history), brought up to date by the embedded
/// <c>Data/Migrations/NNNN_name.sql</c> scripts with their own history (<see cref="OrdersDatabase.WorkerHistory"/>) next
/// to the case store's and the bot's in the same database. Applying is cheap once done (one locked check per script), so
/// each user of the tables applies them before first use instead of relying on one hosted service having run.
/// </summary>
public static class WorkerSchema
{
    public static readonly IReadOnlyList<Migration> Migrations =
        SchemaMigrations.Embedded(typeof(WorkerSchema).Assembly, "OrderPlatform.Worker.Data.Migrations.");

    public static Task<int> ApplyAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken) =>
        SchemaMigrations.ApplyAsync(dataSource, OrdersDatabase.WorkerHistory, Migrations, logger, cancellationToken);
}
