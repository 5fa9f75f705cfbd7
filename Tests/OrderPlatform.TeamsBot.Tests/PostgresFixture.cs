using Aspire.Hosting;
using Npgsql;

[assembly: AssemblyFixture(typeof(OrderPlatform.TeamsBot.Tests.PostgresFixture))]

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>
/// One real Postgres (a local process through Aspire.Hosting.Testing) for the assembly. Every bot host gets a database
/// of its own, since its activity queue lives there and another host must not take its activities.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    /// <summary>The <c>ordersdb</c> database itself (tests that create their own rows).</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("ordersdb");
        _app = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["ordersdb"], ct);
        ConnectionString = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "ordersdb", ct);
    }

    /// <summary>A new empty database on the same server.</summary>
    public async Task<string> NewDatabaseAsync(string prefix = "bot")
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
