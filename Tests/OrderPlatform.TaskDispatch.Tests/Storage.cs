using Aspire.Hosting;
using Aspire.Hosting.LocalProcesses;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using OrderPlatform.Tests;

[assembly: AssemblyFixture(typeof(OrderPlatform.TaskDispatch.Tests.Storage))]

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>One real Azurite (a local process through Aspire.Hosting.Testing) for the assembly; each test owns its queues by prefix.</summary>
public sealed class Storage : IAsyncLifetime
{
    private DistributedApplication? _app;

    public string Blobs { get; private set; } = "";

    public string Queues { get; private set; } = "";

    public QueueServiceClient QueueService => new(Queues);

    public BlobServiceClient BlobService => new(Blobs);

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = TestApps.CreateBuilder();
        var storage = builder.AddAzureStorage("storage").RunAsEmulator().WithLocalProcessFallback(new AzuriteLauncher());
        storage.AddBlobs("blobs");
        storage.AddQueues("queues");
        _app = await TestApps.StartAsync(builder, ["storage"], ct);
        Blobs = await TestApps.ConnectionStringAsync(_app, "blobs", ct);
        Queues = await TestApps.ConnectionStringAsync(_app, "queues", ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; <paramref name="what"/> is asked only on timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, Func<string> what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what()}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
