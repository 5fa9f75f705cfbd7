using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace OrderPlatform.TeamsBot.Conversations;

/// <summary>Ready only when Postgres answers: without it the bot cannot remember where to send results.</summary>
internal sealed class OrdersDbHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "ordersdb does not answer.", ex);
        }
    }
}
