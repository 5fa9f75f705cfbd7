using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace OrderPlatform.Cases;

public static class CaseStoreRegistration
{
    /// <summary>
    /// Cosmos DB when <c>ConnectionStrings:cosmos</c> is set (partition key tenant id), else Postgres through the
    /// service's one <see cref="NpgsqlDataSource"/> for <c>ordersdb</c>, which the service registers first with
    /// Aspire's <c>AddNpgsqlDataSource("ordersdb")</c>. The schema is created at start by a hosted service.
    /// </summary>
    public static IHostApplicationBuilder AddCaseStore(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        var cosmos = builder.Configuration.GetConnectionString("cosmos");
        if (!string.IsNullOrWhiteSpace(cosmos))
        {
            var options = builder.Configuration.GetSection("Cosmos").Get<CosmosCaseStoreOptions>() ?? new CosmosCaseStoreOptions();
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(_ => CreateCosmosClient(cosmos));
            builder.Services.AddSingleton<ICaseStore, CosmosCaseStore>();
        }
        else
        {
            // The data source stays the service's: it also holds the service's other tables in ordersdb.
            if (!builder.Services.Any(d => d.ServiceType == typeof(NpgsqlDataSource) && !d.IsKeyedService))
            {
                throw new InvalidOperationException(
                    "The Postgres case store needs the ordersdb data source: call builder.AddNpgsqlDataSource(\"ordersdb\") before AddCaseStore().");
            }

            builder.Services.AddSingleton<ICaseStore, PostgresCaseStore>();
        }

        builder.Services.AddHostedService<CaseStoreInitializer>();
        return builder;
    }

    /// <summary>The client settings the store relies on (its JSON shape); callers may add transport settings.</summary>
    public static CosmosClientOptions CosmosClientOptions() => new()
    {
        UseSystemTextJsonSerializerWithOptions = CaseJson.Create(),
        ApplicationName = "OrderPlatform",
    };

    // Aspire passes a key-based connection string for the emulator and a bare account endpoint for managed identity.
    private static CosmosClient CreateCosmosClient(string connectionString)
    {
        var options = CosmosClientOptions();
        return connectionString.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
            ? new CosmosClient(connectionString, options)
            : new CosmosClient(connectionString.Replace("AccountEndpoint=", "", StringComparison.OrdinalIgnoreCase).TrimEnd(';'),
                new DefaultAzureCredential(), options);
    }

    private sealed class CaseStoreInitializer(ICaseStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
