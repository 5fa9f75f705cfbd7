using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Azure;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>What each storage verb puts into the model, in run mode, without starting anything.</summary>
public sealed class StorageModelTests
{
    [Fact]
    public void AddAzureStorageAddsAnAccountWithNoEmulatorUntilAsked()
    {
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage");

        Assert.Same(storage.Resource, Assert.Single(builder.Resources.OfType<AzureStorageResource>()));
        Assert.False(storage.Resource.IsEmulator);
        Assert.False(storage.Resource.HasAnnotationOfType<ContainerImageAnnotation>());
        Assert.Empty(storage.Resource.Annotations.OfType<EndpointAnnotation>());
        Assert.DoesNotContain(builder.Resources, r => r.Name == "storage-roles");
    }

    [Fact]
    public void RunAsEmulatorAddsAzuritesImageAndItsThreeEndpoints()
    {
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator();

        var image = Assert.Single(storage.Resource.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(("mcr.microsoft.com", "azure-storage/azurite", "3.37.0"), (image.Registry, image.Image, image.Tag));
        var endpoints = storage.Resource.Annotations.OfType<EndpointAnnotation>().Select(e => (e.Name, e.UriScheme, e.TargetPort));
        Assert.Equal([("blob", "http", 10000), ("queue", "http", 10001), ("table", "http", 10002)], endpoints);
        Assert.True(storage.Resource.IsEmulator);
        Assert.Contains(storage.Resource.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key == "storage_check");
    }

    [Fact]
    public void RunAsEmulatorChangesNothingWhenPublishing()
    {
        var builder = Aspire.Hosting.Testing.DistributedApplicationTestingBuilder.Create(["--publisher", "manifest", "--output-path", Path.GetTempPath()]);
        var storage = builder.AddAzureStorage("storage");
        var before = storage.Resource.Annotations.Count;

        storage.RunAsEmulator();

        Assert.Equal(before, storage.Resource.Annotations.Count);
        Assert.False(storage.Resource.IsEmulator);
    }

    [Fact]
    public void BlobsAndQueuesAreConnectionStringChildrenOfTheAccount()
    {
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage");
        var blobs = storage.AddBlobs("blobs");
        var queues = storage.AddQueues("queues");

        Assert.Same(storage.Resource, blobs.Resource.Parent);
        Assert.Same(storage.Resource, queues.Resource.Parent);
        Assert.Equal(["storage", "blobs", "queues"], builder.Resources.Select(r => r.Name));
    }

    [Fact]
    public void ContainersAndQueuesBelongToTheFirstServiceAdded()
    {
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage");
        var blobs = storage.AddBlobs("blobs");
        var queues = storage.AddQueues("queues");

        var orders = storage.AddBlobContainer("orders");
        var tasks = storage.AddQueue("tasks", "acme-tasks");

        Assert.Same(blobs.Resource, orders.Resource.Parent);
        Assert.Equal("orders", orders.Resource.BlobContainerName);
        Assert.Same(queues.Resource, tasks.Resource.Parent);
        Assert.Equal("acme-tasks", tasks.Resource.QueueName);
        Assert.Equal([orders.Resource], storage.Resource.BlobContainers);
        Assert.Equal([tasks.Resource], storage.Resource.Queues);
    }

    [Fact]
    public void AContainerWithoutABlobServiceAddsTheDefaultOne()
    {
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage");

        var orders = storage.AddBlobContainer("orders");
        var tasks = storage.AddQueue("tasks");

        Assert.Equal("storage-blobs", orders.Resource.Parent.Name);
        Assert.Equal("storage-queues", tasks.Resource.Parent.Name);
        Assert.Equal(["storage", "storage-blobs", "orders", "storage-queues", "tasks"], builder.Resources.Select(r => r.Name));
    }

    [Fact]
    public void ServicesCanWaitForTheAccount()
    {
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator();

        var api = builder.AddExecutable("api", "true", ".").WithReference(storage.AddBlobs("blobs")).WaitFor(storage);

        Assert.Contains(api.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == storage.Resource);
    }
}
