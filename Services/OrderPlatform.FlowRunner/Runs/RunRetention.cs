using Microsoft.Extensions.Options;
using Npgsql;

namespace OrderPlatform.FlowRunner.Runs;

/// <summary>
/// Deletes finished runs older than <c>FlowRunner:RunRetention</c> (their payload, step log and waitpoints go with
/// them by cascade) together with every blob they offloaded, at start and every <c>RetentionSweepInterval</c>, in
/// batches. Blobs go first: a failed blob delete leaves the run for the next sweep instead of an orphan blob. A run
/// that was rerun is kept while its rerun exists, as the rerun's reused steps and payload name the earlier run's blobs.
/// Every replica may sweep: deletes of what another replica deleted already are no-ops.
/// </summary>
public sealed class RunRetention(NpgsqlDataSource db, Blobs.RunBlobs blobs, IOptions<FlowRunnerOptions> options, ILogger<RunRetention> logger) : BackgroundService
{
    private const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RunRetention <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval);
        do
        {
            try
            {
                var deleted = await SweepAsync(stoppingToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Retention: deleted {Count} runs finished more than {Retention} ago.", deleted, options.Value.RunRetention);
                }
            }
            catch (Exception e) when (e is NpgsqlException or Azure.RequestFailedException or TimeoutException)
            {
                logger.LogWarning("Retention sweep failed ({Error}); next sweep in {Interval}.", e.GetType().Name, options.Value.RetentionSweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Deletes every expired run now; how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var total = 0;
        while (await ExpiredAsync(ct) is { Count: > 0 } ids)
        {
            foreach (var id in ids)
            {
                await blobs.DeleteRunAsync(id, ct);
            }

            await using var delete = db.CreateCommand("DELETE FROM flow_run WHERE id = ANY($1) AND finished_at IS NOT NULL");
            delete.Parameters.Add(new() { Value = ids.ToArray() });
            total += await delete.ExecuteNonQueryAsync(ct);
            if (ids.Count < Batch)
            {
                break;
            }
        }

        return total;
    }

    private async Task<List<Guid>> ExpiredAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT id FROM flow_run r WHERE finished_at < now() - $1 AND status <> ALL($2) " +
            "AND NOT EXISTS (SELECT 1 FROM flow_run later WHERE later.rerun_of = r.id) ORDER BY finished_at LIMIT $3");
        command.Parameters.Add(new() { Value = options.Value.RunRetention });
        command.Parameters.Add(new() { Value = RunStatus.NonTerminal });
        command.Parameters.Add(new() { Value = Batch });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
