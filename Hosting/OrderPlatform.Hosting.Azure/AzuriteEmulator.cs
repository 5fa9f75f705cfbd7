using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Aspire.Hosting.Azure;

/// <summary>Talks to the running emulator through the Azure SDK, with the connection strings services get.</summary>
internal static class AzuriteEmulator
{
    /// <summary>Creates the blob containers and queues the model declares (those that exist are left alone).</summary>
    public static async Task CreateDeclaredAsync(AzureStorageResource storage, CancellationToken cancellationToken)
    {
        if (storage.BlobContainers.Count > 0)
        {
            var blobs = await BlobClientAsync(storage, cancellationToken).ConfigureAwait(false);
            foreach (var container in storage.BlobContainers)
            {
                await blobs.GetBlobContainerClient(container.BlobContainerName).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        if (storage.Queues.Count > 0)
        {
            var queues = await QueueClientAsync(storage, cancellationToken).ConfigureAwait(false);
            foreach (var queue in storage.Queues)
            {
                await queues.GetQueueClient(queue.QueueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static async Task<BlobServiceClient> BlobClientAsync(AzureStorageResource storage, CancellationToken cancellationToken, BlobClientOptions? options = null) =>
        new(await ConnectionStringAsync(storage, storage.GetBlobConnectionString(), cancellationToken).ConfigureAwait(false), options);

    public static async Task<QueueServiceClient> QueueClientAsync(AzureStorageResource storage, CancellationToken cancellationToken, QueueClientOptions? options = null) =>
        new(await ConnectionStringAsync(storage, storage.GetQueueConnectionString(), cancellationToken).ConfigureAwait(false), options);

    private static async Task<string> ConnectionStringAsync(AzureStorageResource storage, Aspire.Hosting.ApplicationModel.ReferenceExpression expression, CancellationToken cancellationToken) =>
        await expression.GetValueAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new DistributedApplicationException($"The emulator connection string of '{storage.Name}' resolved to nothing.");
}
