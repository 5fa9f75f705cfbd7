using Aspire.Hosting;
using Aspire.Hosting.LocalProcesses;
using Npgsql;

[assembly: AssemblyFixture(typeof(OrderPlatform.FlowRunner.Tests.Infrastructure))]

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>
/// One real Postgres, Redis and Azurite (local processes through Aspire.Hosting.Testing) for the assembly. Each FlowRunner
/// host gets a database, a Redis key prefix and a blob container of its own, so hosts with different settings never run
/// each other's runs.
/// </summary>
public sealed class Infrastructure : IAsyncLifetime
{
    private DistributedApplication? _app;

    public string Server { get; private set; } = "";

    public string Redis { get; private set; } = "";

    public string Blobs { get; private set; } = "";

    /// <summary>The assembly's Azurite, for hosts built without the fixture at hand.</summary>
    public static string SharedBlobs { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("flowsdb");
        builder.AddRedis("redis").WithLocalProcessFallback();
        builder.AddAzureStorage("storage").RunAsEmulator().WithLocalProcessFallback(new AzuriteLauncher()).AddBlobs("blobs");
        _app = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["flowsdb", "redis", "storage"], ct);
        Server = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "postgres", ct);
        Redis = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "redis", ct);
        Blobs = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "blobs", ct);
        SharedBlobs = Blobs;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>A new, empty database on the shared server; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "flows_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; <paramref name="what"/> is asked only on timeout, so it can show the last state.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, Func<string> what, double timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what()}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
