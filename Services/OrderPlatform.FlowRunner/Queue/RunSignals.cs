using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrderPlatform.FlowRunner.Queue;

/// <summary>
/// Pub/Sub between replicas, never the source of truth (a lost message only costs latency, as every waiter also
/// polls): <c>wake</c> cuts idle workers' poll backoff short, <c>done</c> tells sync webhooks a run answered or ended,
/// <c>cancel</c> stops a running run on whichever replica holds it.
/// </summary>
public sealed class RunSignals(IConnectionMultiplexer redis, IOptions<FlowRunnerOptions> options, ILogger<RunSignals> logger)
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _done = new();
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();
    private TaskCompletionSource _work = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _subscribed;

    private RedisChannel Done => RedisChannel.Literal($"{options.Value.QueuePrefix}:done");

    private RedisChannel Cancel => RedisChannel.Literal($"{options.Value.QueuePrefix}:cancel");

    private RedisChannel Wake => RedisChannel.Literal($"{options.Value.QueuePrefix}:wake");

    public async Task SubscribeAsync()
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 1)
        {
            return;
        }

        try
        {
            var subscriber = redis.GetSubscriber();
            await subscriber.SubscribeAsync(Wake, (_, _) => PulseWork()).ConfigureAwait(false);
            await subscriber.SubscribeAsync(Done, (_, message) => Complete(message)).ConfigureAwait(false);
            await subscriber.SubscribeAsync(Cancel, (_, message) =>
            {
                if (Guid.TryParse((string?)message, out var id))
                {
                    CancelLocal(id);
                }
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Interlocked.Exchange(ref _subscribed, 0);
            logger.LogWarning("Pub/Sub subscription failed ({Error}); waiters fall back to polling.", e.GetType().Name);
        }
    }

    public void PulseWork() => Interlocked.Exchange(ref _work, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Returns when work may have arrived or after <paramref name="max"/>.</summary>
    public Task WaitForWorkAsync(TimeSpan max, CancellationToken ct) => Task.WhenAny(Volatile.Read(ref _work).Task, Task.Delay(max, ct));

    public Task PublishDoneAsync(Guid runId) => Publish(Done, runId);

    public Task PublishCancelAsync(Guid runId) => Publish(Cancel, runId);

    /// <summary>Completes when a <c>done</c> for the run arrives or after <paramref name="max"/>; the caller re-reads Postgres.</summary>
    public async Task WaitForRunAsync(Guid runId, TimeSpan max, CancellationToken ct)
    {
        var waiter = _done.GetOrAdd(runId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await Task.WhenAny(waiter.Task, Task.Delay(max, ct)).ConfigureAwait(false);
        }
        finally
        {
            _done.TryRemove(KeyValuePair.Create(runId, waiter));
        }
    }

    /// <summary>Lets a cancel published by any replica stop the run here; dispose the result when the run ends.</summary>
    public IDisposable RegisterRunning(Guid runId, CancellationTokenSource cts)
    {
        _running[runId] = cts;
        return new Registration(() => _running.TryRemove(KeyValuePair.Create(runId, cts)));
    }

    /// <summary>Cancels a run held by this replica at once, before the message goes round Redis.</summary>
    public void CancelLocal(Guid runId)
    {
        try
        {
            if (_running.TryGetValue(runId, out var cts))
            {
                cts.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // The run ended between the lookup and the cancel.
        }
    }

    private void Complete(RedisValue message)
    {
        if (Guid.TryParse((string?)message, out var id) && _done.TryGetValue(id, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    private async Task Publish(RedisChannel channel, Guid runId)
    {
        if (channel == Done)
        {
            Complete(runId.ToString());
        }

        try
        {
            await redis.GetSubscriber().PublishAsync(channel, runId.ToString()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogDebug("Publish on {Channel} failed ({Error}); the other side polls.", channel, e.GetType().Name);
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
