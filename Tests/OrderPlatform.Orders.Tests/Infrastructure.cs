using Aspire.Hosting;
using Aspire.Hosting.LocalProcesses;
using OrderPlatform.Contracts;
using OrderPlatform.TemporalDev;
using Temporalio.Client;

[assembly: AssemblyFixture(typeof(OrderPlatform.Orders.Tests.Infrastructure))]

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// One real Postgres, Redis and Azurite (local processes through Aspire.Hosting.Testing) and one embedded Temporal server for the whole
/// assembly; each test owns its data through unique case ids, tenants and task queues.
/// </summary>
public sealed class Infrastructure : IAsyncLifetime
{
    private DistributedApplication? _app;

    public string OrdersDb { get; private set; } = "";

    public string Redis { get; private set; } = "";

    public string Blobs { get; private set; } = "";

    public string Queues { get; private set; } = "";

    public TemporalDevServer Temporal { get; private set; } = null!;

    public TemporalClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Temporal = await TemporalDevServer.StartAsync(new TemporalDevServerOptions
        {
            Namespaces = { OrderWorkflow.DefaultNamespace },
            LongPollHold = TimeSpan.FromSeconds(2),
        }, ct);
        Client = await TemporalClient.ConnectAsync(new(Temporal.Target) { Namespace = OrderWorkflow.DefaultNamespace });

        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("ordersdb");
        var storage = builder.AddAzureStorage("storage").RunAsEmulator().WithLocalProcessFallback(new AzuriteLauncher());
        storage.AddBlobs("blobs");
        storage.AddQueues("queues");
        builder.AddRedis("redis").WithLocalProcessFallback();
        _app = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["ordersdb", "redis", "storage"], ct);
        OrdersDb = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "ordersdb", ct);
        Redis = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "redis", ct);
        Blobs = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "blobs", ct);
        Queues = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "queues", ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (Temporal is not null)
        {
            await Temporal.DisposeAsync();
        }
    }

    /// <summary>The settings both services read, the way the AppHost injects them.</summary>
    public Dictionary<string, string?> ServiceSettings(string taskQueue) => new()
    {
        ["ConnectionStrings:ordersdb"] = OrdersDb,
        ["ConnectionStrings:redis"] = Redis,
        ["ConnectionStrings:blobs"] = Blobs,
        ["ConnectionStrings:queues"] = Queues,
        ["ConnectionStrings:temporal"] = Temporal.Target,
        ["Temporal:Namespace"] = OrderWorkflow.DefaultNamespace,
        ["Temporal:TaskQueue"] = taskQueue,
    };

    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 60) =>
        EventuallyAsync(condition, () => what, timeoutSeconds);

    public static Task EventuallyAsync(Func<Task<bool>> condition, Func<string> what, int timeoutSeconds = 60) =>
        OrderPlatform.Tests.Eventually.HoldsAsync(condition, what, timeoutSeconds);
}
