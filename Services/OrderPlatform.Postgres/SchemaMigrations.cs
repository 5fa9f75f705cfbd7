using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrderPlatform.Postgres;

/// <summary>One versioned schema step: applied once, in name order, never edited once shipped.</summary>
/// <param name="Name">The script's name without extension, e.g. <c>0001_conversations</c>; the order is ordinal.</param>
/// <param name="Sql">The statements, run in one transaction.</param>
public sealed record Migration(string Name, string Sql);

/// <summary>
/// Versioned schema migrations for the services' Postgres databases: each owner of tables (the case store, the Worker,
/// the bot, the FlowRunner) embeds its <c>NNNN_name.sql</c> scripts and records them in a history table of its own
/// (the owners sharing <c>ordersdb</c> are listed in <see cref="OrdersDatabase"/>). Every script
/// runs in its own transaction under a transaction-level advisory lock named after that history table, so replicas
/// that start at the same moment on an empty database serialise: the second waits, then finds the script recorded.
/// </summary>
public static partial class SchemaMigrations
{
    /// <summary>The embedded <c>.sql</c> resources whose names start with <paramref name="resourcePrefix"/>, in name order.</summary>
    /// <param name="assembly">The assembly that embeds the scripts.</param>
    /// <param name="resourcePrefix">E.g. <c>OrderPlatform.FlowRunner.Data.Migrations.</c> (folder path with dots).</param>
    public static IReadOnlyList<Migration> Embedded(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var scripts = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            scripts.Add(new Migration(resource[resourcePrefix.Length..^".sql".Length], reader.ReadToEnd()));
        }

        return scripts.Count > 0
            ? scripts
            : throw new InvalidOperationException($"No embedded migrations under '{resourcePrefix}' in {assembly.GetName().Name}.");
    }

    /// <summary>Applies the scripts not yet recorded in <paramref name="historyTable"/>; returns how many it applied.</summary>
    /// <param name="dataSource">The database to migrate.</param>
    /// <param name="historyTable">A plain lower-case identifier; it also names the advisory lock.</param>
    /// <param name="migrations">The owner's scripts, as <see cref="Embedded"/> returns them.</param>
    /// <param name="logger">Told about each script applied.</param>
    /// <param name="cancellationToken">Stops between (or inside, rolling back) scripts.</param>
    public static async Task<int> ApplyAsync(NpgsqlDataSource dataSource, string historyTable, IReadOnlyList<Migration> migrations,
        ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(migrations);
        if (!Identifier().IsMatch(historyTable))
        {
            throw new ArgumentException("The history table must be a plain lower-case identifier.", nameof(historyTable));
        }

        var applied = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var migration in migrations)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"""
                SELECT pg_advisory_xact_lock(hashtext('{historyTable}'));
                CREATE TABLE IF NOT EXISTS {historyTable} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);
            await using var check = new NpgsqlCommand($"SELECT count(*) FROM {historyTable} WHERE name = $1", connection)
            {
                Parameters = { new() { Value = migration.Name } },
            };
            if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
            {
                await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                await using var record = new NpgsqlCommand($"INSERT INTO {historyTable} (name) VALUES ($1)", connection)
                {
                    Parameters = { new() { Value = migration.Name } },
                };
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                applied++;
                LogApplied(logger, historyTable, migration.Name);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {History}/{Migration}")]
    private static partial void LogApplied(ILogger logger, string history, string migration);
}
