using Aspire.Hosting;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>Run mode: connection strings are the emulator's, built from the endpoints the AppHost allocated.</summary>
public sealed class EmulatorConnectionStringTests
{
    private const string Account = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;";

    [Fact]
    public async Task EachServiceGetsTheAccountWithItsAllocatedEndpoint()
    {
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator();
        var blobs = storage.AddBlobs("blobs");
        var queues = storage.AddQueues("queues");
        Models.Allocate(storage.Resource, "blob", 41000);
        Models.Allocate(storage.Resource, "queue", 41001);
        Models.Allocate(storage.Resource, "table", 41002);

        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(Account + "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;", await blobs.Resource.ConnectionStringExpression.GetValueAsync(ct));
        Assert.Equal(Account + "QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1;", await queues.Resource.ConnectionStringExpression.GetValueAsync(ct));
        Assert.Equal("http://localhost:41000", await blobs.Resource.UriExpression.GetValueAsync(ct));
    }

    [Fact]
    public async Task ContainersAndQueuesAddTheirNames()
    {
        var builder = Models.Run();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator();
        var orders = storage.AddBlobContainer("orders");
        var tasks = storage.AddQueue("tasks", "acme-tasks");
        Models.Allocate(storage.Resource, "blob", 41010);
        Models.Allocate(storage.Resource, "queue", 41011);

        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(Account + "BlobEndpoint=http://127.0.0.1:41010/devstoreaccount1;ContainerName=orders", await orders.Resource.ConnectionStringExpression.GetValueAsync(ct));
        Assert.Equal(Account + "QueueEndpoint=http://127.0.0.1:41011/devstoreaccount1;QueueName=acme-tasks", await tasks.Resource.ConnectionStringExpression.GetValueAsync(ct));
    }

    [Fact]
    public async Task WithoutTheEmulatorTheConnectionStringSaysWhatIsMissing()
    {
        var builder = Models.Run();
        var blobs = builder.AddAzureStorage("storage").AddBlobs("blobs");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await blobs.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));

        Assert.Contains("RunAsEmulator", error.Message);
    }
}
