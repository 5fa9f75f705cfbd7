using Microsoft.Extensions.Diagnostics.HealthChecks;
using Temporalio.Client;

namespace OrderPlatform.Api.Health;

/// <summary>Temporal reachability through the Api's own (lazy) client; reports only the failure type.</summary>
internal sealed class TemporalHealthCheck(ITemporalClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!client.Connection.IsConnected)
            {
                await client.Connection.ConnectAsync();
            }

            // DescribeNamespace rather than the gRPC health service: it also proves our namespace exists.
            await client.WorkflowService.DescribeNamespaceAsync(new() { Namespace = client.Options.Namespace },
                new RpcOptions { CancellationToken = cancellationToken });
            return HealthCheckResult.Healthy($"Temporal namespace {client.Options.Namespace} answered.");
        }
        catch (Exception ex) when (ex is Temporalio.Exceptions.RpcException or InvalidOperationException or OperationCanceledException
            or Temporalio.Exceptions.TemporalException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Temporal unreachable ({ex.GetType().Name}).");
        }
    }
}
