using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Npgsql;
using OrderPlatform.Api;
using OrderPlatform.Api.Health;
using OrderPlatform.Api.Orders;
using OrderPlatform.Cases;
using StackExchange.Redis;
using Temporalio.Client;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    /// <summary>
    /// Registers the Api's dependencies from the connection strings the AppHost injects
    /// (<c>ConnectionStrings__ordersdb</c>, <c>__redis</c>, <c>__blobs</c>, <c>__queues</c>, <c>__temporal</c> as
    /// <c>host:port</c>, optional <c>__cosmos</c> for the case store) and a health check for each.
    /// A missing connection string fails at start with its name, not at first use.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var ordersDb = Required(builder, "ordersdb");
        var redis = Required(builder, "redis");
        var blobs = Required(builder, "blobs");
        var queues = Required(builder, "queues");
        var temporal = Required(builder, "temporal");

        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(ordersDb));
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddSingleton(_ => StorageClients.Blob(blobs));
        builder.Services.AddSingleton(_ => StorageClients.Queue(queues));
        builder.AddCaseStore();

        // Lazy: the Api starts (and reports Temporal unhealthy) while Temporal is still coming up.
        builder.Services.AddOptions<TemporalOptions>().BindConfiguration(TemporalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ITemporalClient>(_ => TemporalClient.CreateLazy(new TemporalClientConnectOptions(temporal)
        {
            Namespace = builder.Configuration[$"{TemporalOptions.Section}:Namespace"] ?? OrderPlatform.Contracts.OrderWorkflow.DefaultNamespace,
        }));
        builder.Services.AddScoped<OrderIntake>();
        builder.AddApiSurface();

        builder.Services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("ordersdb", tags: ["ready"])
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready"])
            .AddCheck<BlobHealthCheck>("blobs", tags: ["ready"])
            .AddCheck<QueueHealthCheck>("queues", tags: ["ready"])
            .AddCheck<TemporalHealthCheck>("temporal", tags: ["ready"]);
        return builder;
    }

    private static string Required(IHostApplicationBuilder builder, string name) =>
        builder.Configuration.GetConnectionString(name)
        ?? throw new InvalidOperationException(
            $"Connection string '{name}' is missing. Run through the AppHost or set ConnectionStrings__{name}.");
}

/// <summary>
/// Storage accepts either a full connection string (Azurite, keys) or a bare endpoint URL (Azure, managed identity),
/// which is what Aspire injects in each case.
/// </summary>
internal static class StorageClients
{
    public static BlobServiceClient Blob(string value) =>
        IsEndpoint(value) ? new BlobServiceClient(new Uri(value), new DefaultAzureCredential()) : new BlobServiceClient(value);

    public static QueueServiceClient Queue(string value) =>
        IsEndpoint(value) ? new QueueServiceClient(new Uri(value), new DefaultAzureCredential()) : new QueueServiceClient(value);

    private static bool IsEndpoint(string value) =>
        !value.Contains(';') && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
