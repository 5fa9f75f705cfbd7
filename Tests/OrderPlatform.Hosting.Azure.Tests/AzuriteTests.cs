using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>Against a real Azurite: the health check, and the declared containers and queues created when ready.</summary>
public sealed class AzuriteTests
{
    [Fact]
    public async Task DeclaredContainersAndQueuesExistOnceTheAccountIsReady()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var azurite = await Azurite.StartAsync(ct);
        var (containerName, queueName) = ($"orders-{Guid.NewGuid():N}", $"tasks-{Guid.NewGuid():N}");
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator();
        var container = storage.AddBlobContainer("orders", containerName);
        var queue = storage.AddQueue("tasks", queueName);
        Allocate(storage.Resource, azurite);
        await using var app = builder.Build();

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "storage_check", ct);
        Assert.Equal(HealthStatus.Healthy, report.Status);
        var eventing = app.Services.GetRequiredService<IDistributedApplicationEventing>();
        await eventing.PublishAsync(new ResourceReadyEvent(storage.Resource, app.Services), ct);
        await eventing.PublishAsync(new ResourceReadyEvent(storage.Resource, app.Services), ct);

        var blobs = new BlobServiceClient(await container.Resource.Parent.ConnectionStringExpression.GetValueAsync(ct));
        Assert.True(await blobs.GetBlobContainerClient(containerName).ExistsAsync(ct));
        var queues = new QueueServiceClient(await queue.Resource.Parent.ConnectionStringExpression.GetValueAsync(ct));
        Assert.True(await queues.GetQueueClient(queueName).ExistsAsync(ct));
    }

    [Fact]
    public async Task TheHealthCheckFailsWhileNothingListens()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator();
        Models.Allocate(storage.Resource, "blob", Azurite.FreePort());
        Models.Allocate(storage.Resource, "queue", Azurite.FreePort());
        Models.Allocate(storage.Resource, "table", Azurite.FreePort());
        await using var app = builder.Build();

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "storage_check", ct);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
    }

    private static void Allocate(IResourceWithEndpoints storage, Azurite azurite)
    {
        Models.Allocate(storage, "blob", azurite.BlobPort);
        Models.Allocate(storage, "queue", azurite.QueuePort);
        Models.Allocate(storage, "table", azurite.TablePort);
    }
}
