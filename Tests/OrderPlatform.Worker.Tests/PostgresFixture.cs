using OrderPlatform.Hosting;
using OrderPlatform.Hosting.Testing;

namespace OrderPlatform.Worker.Tests;

/// <summary>One real Postgres with <c>ordersdb</c> for every test class in the <c>postgres</c> collection.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddPostgres("postgres").AddDatabase("ordersdb");
        _app = await builder.BuildAsync(ct);
        await _app.StartAsync(ct);
        // The database exists only once it reports healthy, which can be after StartAsync returns.
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("ordersdb", ct);
        ConnectionString = await _app.GetConnectionStringAsync("ordersdb", ct)
            ?? throw new InvalidOperationException("ordersdb has no connection string.");
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
