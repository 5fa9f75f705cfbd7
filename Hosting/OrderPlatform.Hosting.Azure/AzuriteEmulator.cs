using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.Azure;

/// <summary>
/// Talks to the running emulator through the Azure SDK, with the connection strings services get: its health check,
/// and the blob containers and queues the model declares.
/// </summary>
internal sealed class AzuriteEmulator(AzureStorageResource storage)
{
    private BlobServiceClient? _blobs;
    private QueueServiceClient? _queues;

    /// <summary>Healthy once the blob and queue services answer a signed request, so dependents start against a listening emulator.</summary>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (blobs, queues) = await ClientsAsync(cancellationToken).ConfigureAwait(false);
            await blobs.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            await queues.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The blob and queue services answer.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The emulator does not answer yet.", ex);
        }
    }

    /// <summary>Creates the blob containers and queues the model declares (those that exist are left alone).</summary>
    public async Task CreateDeclaredAsync(CancellationToken cancellationToken)
    {
        var blobs = new BlobServiceClient(await ConnectionStringAsync("blob", cancellationToken).ConfigureAwait(false));
        var queues = new QueueServiceClient(await ConnectionStringAsync("queue", cancellationToken).ConfigureAwait(false));
        foreach (var container in storage.BlobContainers)
        {
            await blobs.GetBlobContainerClient(container.BlobContainerName).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        foreach (var queue in storage.Queues)
        {
            await queues.GetQueueClient(queue.QueueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    // A check is asked again within a second; the SDK's own retries would only make each answer late.
    private async Task<(BlobServiceClient Blobs, QueueServiceClient Queues)> ClientsAsync(CancellationToken cancellationToken)
    {
        var blobOptions = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
        var queueOptions = new QueueClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
        _blobs ??= new(await ConnectionStringAsync("blob", cancellationToken).ConfigureAwait(false), blobOptions);
        _queues ??= new(await ConnectionStringAsync("queue", cancellationToken).ConfigureAwait(false), queueOptions);
        return (_blobs, _queues);
    }

    private async Task<string> ConnectionStringAsync(string service, CancellationToken cancellationToken) =>
        await AzureStorageEmulatorConnectionString.Create(service, new(storage, service)).GetValueAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new DistributedApplicationException($"The emulator connection string of '{storage.Name}' resolved to nothing.");
}
