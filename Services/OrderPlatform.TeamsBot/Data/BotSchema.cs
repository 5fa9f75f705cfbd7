using Npgsql;
using OrderPlatform.Postgres;

namespace OrderPlatform.TeamsBot.Data;

/// <summary>
/// The bot's tables in <c>ordersdb</c>, brought up to date by the embedded <c>Data/Migrations/NNNN_name.sql</c> scripts
/// (history in <c>teamsbot_migrations</c>) on first use rather than at start, so a bot that starts during a Postgres
/// outage still comes up and answers "try again" instead of crash-looping.
/// </summary>
public sealed class BotSchema(NpgsqlDataSource dataSource, ILogger<BotSchema> logger) : IDisposable
{
    public const string HistoryTable = OrdersDatabase.TeamsBotHistory;

    public static readonly IReadOnlyList<Migration> Migrations =
        SchemaMigrations.Embedded(typeof(BotSchema).Assembly, "OrderPlatform.TeamsBot.Data.Migrations.");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public NpgsqlDataSource DataSource => dataSource;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await SchemaMigrations.ApplyAsync(dataSource, HistoryTable, Migrations, logger, cancellationToken);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
