using Aspire.Hosting;

namespace OrderPlatform.Worker.Tests;

/// <summary>One real Postgres with <c>ordersdb</c> for every test class in the <c>postgres</c> collection.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("ordersdb");
        // The database exists only once it reports healthy, which can be after StartAsync returns.
        _app = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["ordersdb"], ct);
        ConnectionString = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "ordersdb", ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
