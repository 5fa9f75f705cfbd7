using Aspire.Hosting;
using Aspire.Hosting.LocalProcesses;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrderPlatform.Tests;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>Against a real Azurite: the health check, and the declared containers and queues created when ready.</summary>
public sealed class AzuriteTests
{
    [Fact]
    public async Task DeclaredContainersAndQueuesExistOnceTheEmulatorIsReady()
    {
        var ct = TestContext.Current.CancellationToken;
        var (containerName, queueName) = ($"orders-{Guid.NewGuid():N}", $"tasks-{Guid.NewGuid():N}");
        var builder = TestApps.CreateBuilder();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator().WithLocalProcessFallback(new AzuriteLauncher());
        var container = storage.AddBlobContainer("orders", containerName);
        var queue = storage.AddQueue("tasks", queueName);
        await using var app = await TestApps.StartAsync(builder, ["storage"], ct);

        var blobs = new BlobServiceClient(await container.Resource.Parent.ConnectionStringExpression.GetValueAsync(ct)).GetBlobContainerClient(containerName);
        var queues = new QueueServiceClient(await queue.Resource.Parent.ConnectionStringExpression.GetValueAsync(ct)).GetQueueClient(queueName);
        // Created by the ready event, which runs just after the resource turns healthy.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await blobs.ExistsAsync(ct) && await queues.ExistsAsync(ct)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{containerName} or {queueName} was not created within 30 s of storage turning healthy.");
            await Task.Delay(100, ct);
        }
    }

    [Fact]
    public async Task TheHealthCheckFailsWhileNothingListens()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator();
        Models.Allocate(storage.Resource, "blob", FreePorts.Next());
        Models.Allocate(storage.Resource, "queue", FreePorts.Next());
        Models.Allocate(storage.Resource, "table", FreePorts.Next());
        await using var app = builder.Build();

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "storage_check", ct);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
    }
}
