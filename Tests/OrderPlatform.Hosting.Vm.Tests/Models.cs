using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>Ad-hoc models for the bundle tests.</summary>
internal static class Models
{
    public static string ServiceProject(string name) => Path.Combine(TestPaths.RepositoryRoot, "Services", name, $"{name}.csproj");

    /// <summary>
    /// OrderPlatform's resource graph (architecture.md) on the real Aspire, as the AppHost declares it, less Azure
    /// Storage and Cosmos DB, whose resources are not on main yet.
    /// </summary>
    public static void AddOrderPlatform(IDistributedApplicationTestingBuilder builder)
    {
        var apiKey = builder.AddParameter("api-key", new GenerateParameterDefault { MinLength = 22 }, secret: true);
        var botAppId = builder.AddParameter("bot-app-id", "", publishValueAsDefault: true);
        var botAppPassword = builder.AddParameter("bot-app-password", secret: true);
        var zohoClientSecret = builder.AddParameter("zoho-client-secret", secret: true).WithDescription("Empty: drafts are dry runs.");
        var llm = builder.AddConnectionString("llm");

        var postgres = builder.AddPostgres("postgres").WithDataVolume("orderplatform-postgres-data");
        var ordersDb = postgres.AddDatabase("ordersdb");
        postgres.AddDatabase("flowsdb");
        var redis = builder.AddRedis("redis").WithDataVolume("orderplatform-redis-data");
        var temporal = builder.AddTemporal("temporal").WithPostgres(postgres);

        var api = builder.AddProject("api", ServiceProject("OrderPlatform.Api"))
            .WithHttpEndpoint().WithHttpsEndpoint().WithExternalHttpEndpoints()
            .WithReference(ordersDb).WaitFor(ordersDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(temporal).WaitFor(temporal)
            .WithEnvironment("Api__Keys__0", apiKey);
        var teamsBot = builder.AddProject("teamsbot", ServiceProject("OrderPlatform.TeamsBot"))
            .WithHttpEndpoint().WithExternalHttpEndpoints()
            .WithReference(api).WaitFor(api)
            .WithReference(ordersDb).WaitFor(ordersDb)
            .WithEnvironment("Bot__AppId", botAppId)
            .WithEnvironment("Bot__AppPassword", botAppPassword);
        builder.AddProject("worker", ServiceProject("OrderPlatform.Worker"))
            .WithHttpEndpoint()
            .WithReference(ordersDb).WaitFor(ordersDb)
            .WithReference(temporal).WaitFor(temporal)
            .WithReference(teamsBot)
            .WithReference(llm)
            .WithEnvironment("Zoho__ClientSecret", zohoClientSecret);
    }

    /// <summary>The exception, or one it wraps, whose message says <paramref name="text"/>.</summary>
    public static Exception Find(Exception? exception, string text)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains(text, StringComparison.Ordinal))
            {
                return e;
            }
        }
        throw new Xunit.Sdk.XunitException($"No exception says '{text}': {exception?.ToString() ?? "none was thrown"}");
    }
}
