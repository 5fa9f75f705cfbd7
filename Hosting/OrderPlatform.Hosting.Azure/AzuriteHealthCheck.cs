using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.Azure;

/// <summary>
/// Healthy once the emulator's blob and queue services answer a signed request (the service properties), so
/// containers and queues can be created and dependents start against a listening emulator.
/// </summary>
internal sealed class AzuriteHealthCheck(AzureStorageResource storage) : IHealthCheck
{
    private BlobServiceClient? _blobs;
    private QueueServiceClient? _queues;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _blobs ??= await AzuriteEmulator.BlobClientAsync(storage, cancellationToken, Quick(new BlobClientOptions())).ConfigureAwait(false);
            _queues ??= await AzuriteEmulator.QueueClientAsync(storage, cancellationToken, Quick(new QueueClientOptions())).ConfigureAwait(false);
            await _blobs.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            await _queues.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The blob and queue services answer.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The emulator does not answer yet.", ex);
        }
    }

    // A check is asked again within a second; the SDK's own retries would only make each answer late.
    private static T Quick<T>(T options) where T : global::Azure.Core.ClientOptions
    {
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }
}
