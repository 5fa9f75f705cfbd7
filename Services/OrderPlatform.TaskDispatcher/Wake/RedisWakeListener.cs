using OrderPlatform.TaskWorker.Tasks;
using StackExchange.Redis;

namespace OrderPlatform.TaskDispatcher.Wake;

/// <summary>
/// Subscribes to <see cref="TaskWake.Channel"/> when the dispatcher has a Redis (<c>ConnectionStrings__redis</c>); each
/// message names the queue a producer just wrote to and wakes the poll loop. Redis is optional: while it is down or
/// absent, pickup falls back to the poll back-off, and the client re-subscribes by itself after a reconnect.
/// </summary>
public sealed class RedisWakeListener(IServiceProvider services, WakeSignal signal, ILogger<RedisWakeListener> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start: connecting to a Redis that is down blocks for its connect time-out, and the poll loop
        // (a later hosted service) must not wait for that.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Resolved here, not injected: a Redis that is down at start must not stop the dispatcher starting.
                var redis = services.GetRequiredService<IConnectionMultiplexer>();
                var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(TaskWake.Channel));
                queue.OnMessage(message => signal.Set(QueueName(message.Message)));
                logger.LogInformation("Listening for producer wake-ups on Redis channel {Channel}", TaskWake.Channel);
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning("No producer wake-ups for now, Redis refused the subscription ({Error}); polling covers it", ex.GetType().Name);
            }

            await Task.Delay(RetryInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // A wake is harmless, so any message wakes; only a well-formed queue name is kept as a discovery hint.
    private static string? QueueName(RedisValue value)
    {
        var text = value.IsNullOrEmpty ? null : (string?)value;
        return text is { Length: >= 3 and <= 63 } && text.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') ? text : null;
    }
}
