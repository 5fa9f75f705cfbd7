using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.LocalProcesses;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace OrderPlatform.AppHost.Tests;

/// <summary>The AppHost's model, inspected without starting anything.</summary>
public sealed class ModelTests
{
    private static readonly string[] Architecture =
        ["postgres", "ordersdb", "flowsdb", "redis", "storage", "blobs", "queues", "cosmos", "orders", "temporal", "api", "teamsbot", "worker", "flowrunner", "taskdispatcher", "taskworker"];

    [Fact]
    public async Task TheModelHasTheArchitectureResources()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(TestContext.Current.CancellationToken);

        Assert.Superset(Architecture.ToHashSet(), builder.Resources.Select(r => r.Name).ToHashSet());
    }

    [Theory]
    [InlineData("api", "ordersdb,postgres,redis,storage,temporal", "ordersdb,redis,blobs,queues,cosmos,temporal")]
    [InlineData("teamsbot", "ordersdb,postgres", "api,ordersdb")]
    [InlineData("worker", "ordersdb,postgres,storage,temporal", "ordersdb,blobs,cosmos,temporal,teamsbot")]
    [InlineData("flowrunner", "flowsdb,postgres,redis,storage", "flowsdb,redis,blobs")]
    [InlineData("taskdispatcher", "storage", "queues,blobs,redis")]
    public async Task EachServiceReferencesAndWaitsForItsBackingServices(string service, string waitsFor, string references)
    {
        // Waiting for a database is waiting for its server too (Aspire adds the parent).
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(TestContext.Current.CancellationToken);
        var resource = builder.Resources.Single(r => r.Name == service);

        Assert.Equal(waitsFor.Split(',').Order(), resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order());
        Assert.All(resource.Annotations.OfType<WaitAnnotation>(), w => Assert.Equal(WaitType.WaitUntilHealthy, w.WaitType));
        Assert.Equal(references.Split(',').Order(),
            resource.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference" && r.Resource is not ParameterResource).Select(r => r.Resource.Name).Distinct().Order());
    }

    [Fact]
    public async Task TheBackingServicesFallBackToLocalProcessesAndKeepTheirContainerUntilStart()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(TestContext.Current.CancellationToken);

        foreach (var name in new[] { "postgres", "redis", "storage" })
        {
            var resource = builder.Resources.Single(r => r.Name == name);
            var annotation = Assert.Single(resource.Annotations.OfType<LocalProcessAnnotation>());
            Assert.False(annotation.Always);
            // Switching happens at BeforeStart, only once no container engine answers: the model keeps the image.
            Assert.NotEmpty(resource.Annotations.OfType<ContainerImageAnnotation>());
            Assert.Empty(resource.Annotations.OfType<RunsAsLocalProcessAnnotation>());
        }
        Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == "temporal"), exactMatch: false);
        Assert.Empty(builder.Resources.Where(r => r.Name is "cosmos" or "api" or "teamsbot" or "worker" or "flowrunner").SelectMany(r => r.Annotations.OfType<LocalProcessAnnotation>()));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public async Task InRunModeCosmosAbsentLocallySetsNoConnectionStringWhileTheOthersAreSet(string service)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(TestContext.Current.CancellationToken);
        Assert.True(builder.ExecutionContext.IsRunMode);
        await using var app = await builder.BuildAsync(TestContext.Current.CancellationToken);
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var resource = model.Resources.Single(r => r.Name == service);
        // As at start: the local-process switch (no engine here) and the Cosmos run-mode wiring happen at BeforeStart.
        await app.Services.GetRequiredService<IDistributedApplicationEventing>().PublishAsync(new BeforeStartEvent(app.Services, model), TestContext.Current.CancellationToken);

        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), resource, environment, TestContext.Current.CancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        Assert.DoesNotContain("ConnectionStrings__cosmos", environment.Keys);
        Assert.Contains("ConnectionStrings__ordersdb", environment.Keys);
        Assert.Contains("ConnectionStrings__blobs", environment.Keys);
        Assert.Contains("ConnectionStrings__temporal", environment.Keys);
    }

    [Fact]
    public async Task PublishModeWritesTheContainersAndAzureResourcesWhateverTheMachine()
    {
        var folder = Directory.CreateTempSubdirectory("apphost-manifest-").FullName;
        var manifest = Path.Combine(folder, "aspire-manifest.json");
        try
        {
            // Runtime=local would switch a run to local processes; publish mode must ignore it.
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(
                ["--publisher", "manifest", "--output-path", manifest, "--LocalProcesses:Runtime=local"], TestContext.Current.CancellationToken);
            Assert.True(builder.ExecutionContext.IsPublishMode);
            await using (var app = await builder.BuildAsync(TestContext.Current.CancellationToken))
            {
                var model = app.Services.GetRequiredService<DistributedApplicationModel>();
                await app.RunAsync(TestContext.Current.CancellationToken);
                Assert.All(model.Resources, r => Assert.Empty(r.Annotations.OfType<RunsAsLocalProcessAnnotation>()));
                Assert.NotEmpty(model.Resources.Single(r => r.Name == "postgres").Annotations.OfType<ContainerImageAnnotation>());
            }

            var resources = JsonNode.Parse(await File.ReadAllTextAsync(manifest, TestContext.Current.CancellationToken))!["resources"]!.AsObject();
            Assert.StartsWith("container.v", (string?)resources["postgres"]!["type"]);
            Assert.StartsWith("container.v", (string?)resources["redis"]!["type"]);
            Assert.StartsWith("container.v", (string?)resources["temporal"]!["type"]);
            Assert.Equal("azure.bicep.v0", (string?)resources["storage"]!["type"]);
            Assert.Equal("azure.bicep.v0", (string?)resources["cosmos"]!["type"]);
            Assert.StartsWith("project.v", (string?)resources["api"]!["type"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
