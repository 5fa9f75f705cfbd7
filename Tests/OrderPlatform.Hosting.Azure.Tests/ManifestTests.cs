using System.Text.Json.Nodes;
using Aspire.Hosting;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>Exact manifest entries, written by Aspire's own manifest publisher (specs/apphost.md §3).</summary>
public sealed class ManifestTests
{
    private static void AppHostModel(IDistributedApplicationBuilder builder)
    {
        var storage = builder.AddAzureStorage("storage").RunAsEmulator();
        storage.AddBlobs("blobs");
        storage.AddQueues("queues");
        builder.AddAzureCosmosDB("cosmos").AddCosmosDatabase("orders");
    }

    [Fact]
    public async Task StorageIsABicepModuleFollowedByItsRoles()
    {
        var (resources, directory) = await Models.PublishAsync(AppHostModel);

        Models.AssertJson("""{ "type": "azure.bicep.v0", "path": "storage.module.bicep" }""", resources["storage"]);
        Models.AssertJson("""
            {
              "type": "azure.bicep.v0",
              "path": "storage-roles.module.bicep",
              "params": { "storage_outputs_name": "{storage.outputs.name}", "principalType": "", "principalId": "" }
            }
            """, resources["storage-roles"]);
        Assert.True(File.Exists(Path.Combine(directory, "storage.module.bicep")));
        Assert.True(File.Exists(Path.Combine(directory, "storage-roles.module.bicep")));
    }

    [Fact]
    public async Task BlobsAndQueuesAreTheServiceEndpoints()
    {
        var (resources, _) = await Models.PublishAsync(AppHostModel);

        Models.AssertJson("""{ "type": "value.v0", "connectionString": "{storage.outputs.blobEndpoint}" }""", resources["blobs"]);
        Models.AssertJson("""{ "type": "value.v0", "connectionString": "{storage.outputs.queueEndpoint}" }""", resources["queues"]);
    }

    [Fact]
    public async Task CosmosCarriesItsEndpointAndItsDatabaseAppendsTheName()
    {
        var (resources, directory) = await Models.PublishAsync(AppHostModel);

        Models.AssertJson("""
            { "type": "azure.bicep.v0", "connectionString": "{cosmos.outputs.connectionString}", "path": "cosmos.module.bicep" }
            """, resources["cosmos"]);
        Models.AssertJson("""
            {
              "type": "azure.bicep.v0",
              "path": "cosmos-roles.module.bicep",
              "params": { "cosmos_outputs_name": "{cosmos.outputs.name}", "principalId": "" }
            }
            """, resources["cosmos-roles"]);
        Models.AssertJson("""
            { "type": "value.v0", "connectionString": "AccountEndpoint={cosmos.outputs.connectionString};Database=orders" }
            """, resources["orders"]);
        Assert.Contains("name: 'orders'", await File.ReadAllTextAsync(Path.Combine(directory, "cosmos.module.bicep"), TestContext.Current.CancellationToken));
    }

    // Expected/former-azure-entries.json: these entries of the manifest the home-made hosting wrote (and azd deployed).
    [Fact]
    public async Task EntriesAreWhatTheFormerHostingWrote()
    {
        var (resources, _) = await Models.PublishAsync(AppHostModel);
        var former = JsonNode.Parse(await File.ReadAllTextAsync(
            Path.Combine(Models.RepositoryRoot, "Tests", "OrderPlatform.Hosting.Azure.Tests", "Expected", "former-azure-entries.json"),
            TestContext.Current.CancellationToken))!["resources"]!;

        string[] names = ["storage", "storage-roles", "blobs", "queues", "cosmos", "cosmos-roles", "orders"];
        Assert.Equal(names, resources.Select(r => r.Key));
        foreach (var name in names)
        {
            Models.AssertJson(former[name]!.ToJsonString(), resources[name]);
        }
    }

    [Fact]
    public async Task ContainersAndQueuesAreEndpointsWithTheirNames()
    {
        var (resources, directory) = await Models.PublishAsync(builder =>
        {
            var storage = builder.AddAzureStorage("storage");
            storage.AddBlobContainer("orders");
            storage.AddQueue("tasks", "acme-tasks");
        });

        Models.AssertJson("""
            { "type": "value.v0", "connectionString": "Endpoint={storage.outputs.blobEndpoint};ContainerName=orders" }
            """, resources["orders"]);
        Models.AssertJson("""
            { "type": "value.v0", "connectionString": "Endpoint={storage.outputs.queueEndpoint};QueueName=acme-tasks" }
            """, resources["tasks"]);
        var module = await File.ReadAllTextAsync(Path.Combine(directory, "storage.module.bicep"), TestContext.Current.CancellationToken);
        Assert.Contains("blobServices/containers@2024-01-01' = {\n  name: 'orders'", module);
        Assert.Contains("queueServices/queues@2024-01-01' = {\n  name: 'acme-tasks'", module);
    }

    [Fact]
    public async Task AServiceReferencesTheConnectionStrings()
    {
        var (resources, _) = await Models.PublishAsync(builder =>
        {
            var storage = builder.AddAzureStorage("storage").RunAsEmulator();
            var cosmos = builder.AddAzureCosmosDB("cosmos");
            builder.AddContainer("api", "example/api")
                .WithReferenceEnvironment(Aspire.Hosting.ApplicationModel.ReferenceEnvironmentInjectionFlags.ConnectionString)
                .WithReference(storage.AddBlobs("blobs")).WithReference(cosmos).WithReference(cosmos.AddCosmosDatabase("orders"));
        });

        Models.AssertJson("""
            {
              "ConnectionStrings__blobs": "{blobs.connectionString}",
              "ConnectionStrings__cosmos": "{cosmos.connectionString}",
              "ConnectionStrings__orders": "{orders.connectionString}"
            }
            """, resources["api"]!["env"]);
    }
}
