using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrderPlatform.ServiceDefaults.Storage;

// Both list one page rather than read the service properties: in Azure the services hold only the Storage Blob/Queue
// Data Contributor roles, which allow listing but not GetProperties. Results name only the failure type: exception
// messages can carry account names and URLs.
internal sealed class BlobServiceHealthCheck(BlobServiceClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var pages = client.GetBlobContainersAsync(cancellationToken: cancellationToken)
                .AsPages(pageSizeHint: 1).GetAsyncEnumerator(cancellationToken);
            await pages.MoveNextAsync();
            return HealthCheckResult.Healthy("Blob service answered.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Blob service unreachable ({ex.GetType().Name}).");
        }
    }
}

internal sealed class QueueServiceHealthCheck(QueueServiceClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var pages = client.GetQueuesAsync(cancellationToken: cancellationToken)
                .AsPages(pageSizeHint: 1).GetAsyncEnumerator(cancellationToken);
            await pages.MoveNextAsync();
            return HealthCheckResult.Healthy("Queue service answered.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Queue service unreachable ({ex.GetType().Name}).");
        }
    }
}
