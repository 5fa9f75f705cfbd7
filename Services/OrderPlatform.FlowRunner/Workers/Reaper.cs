using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Queue;
using OrderPlatform.FlowRunner.Runs;

namespace OrderPlatform.FlowRunner.Workers;

/// <summary>
/// At boot and every <c>ReaperInterval</c>: runs past their timeout become TIMEOUT, RUNNING runs whose lease lapsed (a
/// dead worker) go back to QUEUED and onto the queue, and queued or due paused runs nobody picked up are enqueued again
/// (an enqueue lost while Redis was down). Every replica may run it: the updates skip rows another replica holds, and
/// a duplicate queue entry is harmless because claiming is a conditional update.
/// </summary>
public sealed class Reaper(RunQueries queries, RunQueue queue, RunSignals signals, IOptions<FlowRunnerOptions> options, ILogger<Reaper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Its Redis calls take no token: a stop does not wait for them (the next pass redoes what they did not).
                await ReapOnceAsync(stoppingToken).WaitAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Reaper pass failed ({Error}); next pass in {Interval}.", e.GetType().Name, options.Value.ReaperInterval);
            }

            try
            {
                await Task.Delay(options.Value.ReaperInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task ReapOnceAsync(CancellationToken ct)
    {
        var timedOut = await queries.TimeOutAsync(ct);
        var expired = await queries.RequeueExpiredLeasesAsync(ct);
        var stale = await queries.StaleQueuedAsync(options.Value.RequeueAfter, ct);
        foreach (var run in expired.Concat(stale))
        {
            await queue.EnqueueAsync(run.Id, run.Sync);
        }

        if (timedOut + expired.Count + stale.Count > 0)
        {
            logger.LogInformation("Reaper: {TimedOut} timed out, {Expired} requeued after a lapsed lease, {Stale} enqueued again.", timedOut, expired.Count, stale.Count);
        }

        signals.PulseWork();
    }
}
