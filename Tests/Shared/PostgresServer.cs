using Aspire.Hosting;
using Npgsql;

namespace OrderPlatform.Tests;

/// <summary>
/// One real Postgres (a local process through Aspire.Hosting.Testing) with the <c>ordersdb</c> database, as the base of
/// a suite's fixture; <see cref="NewDatabaseAsync"/> gives a test a database of its own. Linked by the suites that use
/// it (their csproj), since it needs Npgsql.
/// </summary>
public abstract class PostgresServer : IAsyncLifetime
{
    private DistributedApplication? _app;

    /// <summary>The <c>ordersdb</c> database itself (tests that create their own rows).</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("ordersdb");
        // The database exists only once it reports healthy, which can be after StartAsync returns.
        _app = await TestApps.StartAsync(builder, ["ordersdb"], ct);
        ConnectionString = await TestApps.ConnectionStringAsync(_app, "ordersdb", ct);
    }

    /// <summary>A new empty database on the same server.</summary>
    public async Task<string> NewDatabaseAsync(string prefix = "test")
    {
        var database = $"{prefix}_{Guid.NewGuid():N}";
        await using (var admin = NpgsqlDataSource.Create(ConnectionString))
        {
            await using var create = admin.CreateCommand($"CREATE DATABASE \"{database}\"");
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
