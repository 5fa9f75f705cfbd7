using OrderPlatform.FlowRunner.Queue;

namespace OrderPlatform.FlowRunner.Runs;

/// <summary>Cancel and rerun as the JSON API and the runs page both perform them.</summary>
public sealed class RunCommands(RunStore runs, RerunStore reruns, RunQueue queue, RunSignals signals, ILogger<RunCommands> logger)
{
    /// <summary>Queued, paused or running → CANCELED; a running run is stopped by its worker at once (Pub/Sub) or at its next heartbeat.</summary>
    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct)
    {
        if (!await runs.CancelAsync(runId, ct))
        {
            return false;
        }

        signals.CancelLocal(runId);
        await signals.PublishCancelAsync(runId);
        await signals.PublishDoneAsync(runId);
        return true;
    }

    /// <summary>A new run linked to <paramref name="runId"/>, queued once its row is committed.</summary>
    public async Task<RerunOutcome> RerunAsync(Guid runId, string strategy, CancellationToken ct)
    {
        var outcome = await reruns.CreateAsync(runId, strategy, ct);
        if (outcome is { Result: RerunResult.Created, RunId: { } created })
        {
            try
            {
                await queue.EnqueueAsync(created, sync: false);
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
            {
                // Durable already: the reaper queues runs nobody took for RequeueAfter.
                logger.LogWarning("Rerun {RunId} stored but not queued ({Error}); the reaper will queue it.", created, e.GetType().Name);
            }
        }

        return outcome;
    }
}
