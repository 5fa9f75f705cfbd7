using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Azure;
using Aspire.Hosting.Eventing;
using Microsoft.Extensions.DependencyInjection;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>Run mode: Cosmos DB has no local counterpart; it shows Running and references to it set nothing.</summary>
public sealed class CosmosRunModeTests
{
    [Fact]
    public async Task ReferencesToTheAccountAndItsDatabasesSetNoVariable()
    {
        var builder = Models.Run();
        var cosmos = builder.AddAzureCosmosDB("cosmos");
        var orders = cosmos.AddCosmosDatabase("orders");
        var other = builder.AddConnectionString("other", ReferenceExpression.Create($"Host=elsewhere"));
        var api = builder.AddExecutable("api", "true", ".").WithReference(cosmos).WithReference(orders).WithReference(other).WaitFor(cosmos);
        await using var app = builder.Build();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        await app.Services.GetRequiredService<IDistributedApplicationEventing>().PublishAsync(new BeforeStartEvent(app.Services, model), TestContext.Current.CancellationToken);

        var environment = await EnvironmentAsync(api.Resource, app.Services);
        Assert.DoesNotContain("ConnectionStrings__cosmos", environment.Keys);
        Assert.DoesNotContain("ConnectionStrings__orders", environment.Keys);
        Assert.Contains("ConnectionStrings__other", environment.Keys);
    }

    [Fact]
    public async Task TheAccountAndItsDatabasesShowAsRunningButNotUsedLocally()
    {
        var builder = Models.Run();
        var cosmos = builder.AddAzureCosmosDB("cosmos");
        var orders = cosmos.AddCosmosDatabase("orders");
        await using var app = builder.Build();
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();

        foreach (var resource in new IResource[] { cosmos.Resource, orders.Resource })
        {
            await app.Services.GetRequiredService<IDistributedApplicationEventing>().PublishAsync(new InitializeResourceEvent(resource,
                app.Services.GetRequiredService<IDistributedApplicationEventing>(), app.Services.GetRequiredService<ResourceLoggerService>(),
                notifications, app.Services), TestContext.Current.CancellationToken);

            Assert.True(notifications.TryGetCurrentState(resource.Name, out var state));
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            Assert.Contains(state.Snapshot.Properties, p => p.Name == "azure.local" && Equals(p.Value, "Not used locally"));
        }
    }

    [Fact]
    public async Task AProcessStartedByTheAppHostWaitsForTheAccountAndSeesNoConnectionString()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("hosting-azure-env-").FullName, "env.txt");
        var builder = Models.Run();
        var cosmos = builder.AddAzureCosmosDB("cosmos");
        var orders = cosmos.AddCosmosDatabase("orders");
        builder.AddExecutable("probe", "/bin/sh", Path.GetDirectoryName(output)!, "-c", $"env > '{output}'")
            .WithReference(cosmos).WithReference(orders).WaitFor(cosmos).WaitFor(orders)
            .WithEnvironment("PROBE_RAN", "yes");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await using var app = builder.Build();

        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceAsync("probe", KnownResourceStates.Finished, timeout.Token);

        var environment = await File.ReadAllLinesAsync(output, timeout.Token);
        Assert.Contains("PROBE_RAN=yes", environment);
        Assert.DoesNotContain(environment, line => line.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
        Assert.DoesNotContain(environment, line => line.StartsWith("COSMOS", StringComparison.Ordinal) || line.StartsWith("ORDERS", StringComparison.Ordinal));
    }

    [Fact]
    public void PublishingKeepsTheAccountWithoutLocalHooks()
    {
        var builder = Aspire.Hosting.Testing.DistributedApplicationTestingBuilder.Create(["--publisher", "manifest", "--output-path", Path.GetTempPath()]);
        var cosmos = builder.AddAzureCosmosDB("cosmos");

        // ExcludeFromManifest would leave {cosmos.connectionString} dangling for azd (aspire13.md §4).
        Assert.NotNull(Assert.Single(cosmos.Resource.Annotations.OfType<ManifestPublishingCallbackAnnotation>()).Callback);
        Assert.Contains(builder.Resources, r => r.Name == "cosmos-roles");
    }

    private static async Task<Dictionary<string, object>> EnvironmentAsync(IResource resource, IServiceProvider services)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(services.GetRequiredService<DistributedApplicationExecutionContext>(), resource, environment, TestContext.Current.CancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return environment;
    }
}
