using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Queue;
using OrderPlatform.FlowRunner.Runs;

namespace OrderPlatform.FlowRunner.Workers;

/// <summary>
/// This replica's workers: <c>WorkerConcurrency</c> loops that poll the lanes (sync first) without blocking commands,
/// backing off to <c>MaxPollDelay</c> when idle (a wake message ends the wait), and one maintenance loop that moves due
/// delayed entries into the lanes and takes over entries a dead consumer left unacknowledged (dead-lettering those
/// delivered <c>MaxDeliveries</c> times).
/// </summary>
public sealed class FlowWorker(RunQueue queue, RunSignals signals, RunExecutor executor, RunStore runs, IOptions<FlowRunnerOptions> options, ILogger<FlowWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan MinPollDelay = TimeSpan.FromMilliseconds(5);
    private readonly Channel<QueueEntry> _reclaimed = Channel.CreateUnbounded<QueueEntry>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RetryAsync(queue.EnsureGroupsAsync, stoppingToken);
        await signals.SubscribeAsync();
        var loops = Enumerable.Range(0, options.Value.WorkerConcurrency).Select(_ => PollAsync(stoppingToken)).Append(MaintainAsync(stoppingToken));
        await Task.WhenAll(loops);
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        var delay = MinPollDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // A read in flight when the host stops is left behind, not awaited: with Redis gone (stopped before us,
                // or down) it would hold the stop for the multiplexer's 5 s timeout. An entry it delivered stays
                // pending in the group and is reclaimed once idle, like one whose worker died.
                var entry = _reclaimed.Reader.TryRead(out var reclaimed) ? reclaimed : await queue.ReadAsync(executor.Owner).WaitAsync(stopping);
                if (entry is null)
                {
                    await signals.WaitForWorkAsync(delay, stopping);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxPollDelay.Ticks));
                    continue;
                }

                delay = MinPollDelay;
                await executor.ProcessAsync(entry, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Worker loop error; retrying in 1 s.");
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task MaintainAsync(CancellationToken stopping)
    {
        var nextReclaim = DateTime.UtcNow;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await queue.MoveDueAsync().WaitAsync(stopping);
                if (DateTime.UtcNow >= nextReclaim)
                {
                    nextReclaim = DateTime.UtcNow + options.Value.Lease / 2;
                    await ReclaimAsync(stopping).WaitAsync(stopping);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Queue maintenance failed ({Error}); retrying in 1 s.", e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ReclaimAsync(CancellationToken stopping)
    {
        foreach (var (entry, deliveries) in await queue.ReclaimAsync(executor.Owner, options.Value.Lease))
        {
            if (deliveries > options.Value.MaxDeliveries)
            {
                await runs.DeadLetterAsync(entry.RunId, stopping);
                await queue.DeadLetterAsync(entry, $"delivered {deliveries} times");
                await signals.PublishDoneAsync(entry.RunId);
                continue;
            }

            await _reclaimed.Writer.WriteAsync(entry, stopping);
        }
    }

    private async Task RetryAsync(Func<Task> action, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException && !stopping.IsCancellationRequested)
            {
                logger.LogWarning("Redis not ready ({Error}); retry {Attempt}.", e.GetType().Name, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), stopping);
            }
        }
    }
}
