using Microsoft.Extensions.Options;
using OrderPlatform.TaskDispatcher.Backends.Arm;

namespace OrderPlatform.TaskDispatcher.Backends.Aci;

/// <summary>
/// Removes orphaned task groups: terminal ones finished more than <see cref="AciOptions.OrphanAfter"/> ago, which a
/// dispatcher that died between deleting the message and deleting the group left behind (spec §4, step 7).
/// </summary>
public sealed class AciJanitor(AciBackend backend, IOptions<AciOptions> options, TimeProvider time, ILogger<AciJanitor> logger) : BackgroundService
{
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var removed = new List<string>();
        foreach (var group in await backend.ListAsync(cancellationToken))
        {
            if (group.IsTerminal && now - (group.FinishedAt ?? now) >= options.Value.OrphanAfter)
            {
                await backend.DeleteAsync(group.Name, cancellationToken);
                removed.Add(group.Name);
            }
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OrphanAfter, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var name in await SweepAsync(stoppingToken))
                {
                    logger.LogWarning("Removed orphaned container group {Name}", name);
                }
            }
            catch (Exception ex) when (ex is ArmException or HttpRequestException)
            {
                logger.LogWarning("Janitor pass failed ({Error}); next pass in {Interval}", ex.Message, options.Value.OrphanAfter);
            }
        }
    }
}
