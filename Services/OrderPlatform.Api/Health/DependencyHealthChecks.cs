using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;

namespace OrderPlatform.Api.Health;

// Each check reports only the failure type: exception messages can contain hosts or credentials.
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("Postgres answered SELECT 1.");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Postgres unreachable ({ex.GetType().Name}).");
        }
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"Redis PING {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis unreachable ({ex.GetType().Name}).");
        }
    }
}

internal sealed class BlobHealthCheck(BlobServiceClient blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await blobs.GetPropertiesAsync(cancellationToken);
            return HealthCheckResult.Healthy("Blob service answered.");
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or Azure.Identity.AuthenticationFailedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Blob service unreachable ({ex.GetType().Name}).");
        }
    }
}

internal sealed class QueueHealthCheck(QueueServiceClient queues) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await queues.GetPropertiesAsync(cancellationToken);
            return HealthCheckResult.Healthy("Queue service answered.");
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or Azure.Identity.AuthenticationFailedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Queue service unreachable ({ex.GetType().Name}).");
        }
    }
}
