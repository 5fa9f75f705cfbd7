using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.LocalProcesses;
using OrderPlatform.Tests;
using OrderPlatform.TaskWorker.Tasks;
using StackExchange.Redis;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>
/// Producer wake-ups over Redis pub/sub: they end the idle back-off at once, and name queues created since the last
/// discovery; with Redis unreachable the dispatcher still picks up by polling. The back-off here is long (2 s doubling
/// to 60 s) so that a pickup within seconds can only come from the wake-up.
/// </summary>
public sealed class WakeTests(Storage storage, WakeTests.RedisServer redis) : IClassFixture<WakeTests.RedisServer>
{
    [Fact]
    public async Task AProducersWakeUpEndsTheIdleBackOff()
    {
        await using var scenario = await new Scenario(storage).CreateAsync(configure: s => SlowPolling(s, redis.ConnectionString));
        await scenario.StartDispatcherAsync();
        // Idle polls (2 s doubling, jitter −25 %…0) at 0, 1.5–2, 4.5–6, 10.5–14 s; the next one no sooner than 22.5 s.
        await Task.Delay(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        var elapsed = Stopwatch.StartNew();
        await scenario.SendAsync(Scenario.Echo("woken"));
        await redis.Publish(scenario.Queue.Name);

        await Storage.EventuallyAsync(() => Task.FromResult(scenario.Starts == 1), () => "the run to start", timeoutSeconds: 30);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"picked up after {elapsed.Elapsed}: the wake-up did not end the back-off");
    }

    [Fact]
    public async Task AWakeUpNamingAQueueCreatedSinceDiscoveryIsPolledAtOnce()
    {
        await using var scenario = await new Scenario(storage).CreateAsync(configure: s =>
        {
            SlowPolling(s, redis.ConnectionString);
            s["TaskDispatch:DiscoveryInterval"] = "00:10:00";
        });
        await scenario.StartDispatcherAsync();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var beta = storage.QueueService.GetQueueClient($"{scenario.Prefix}beta-tasks");
        await beta.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);

        await beta.SendMessageAsync(Scenario.Echo("new-queue"), TestContext.Current.CancellationToken);
        await redis.Publish(beta.Name);

        await Storage.EventuallyAsync(() => Task.FromResult(scenario.Starts == 1), () => "the run of the new queue to start", timeoutSeconds: 10);
    }

    [Fact]
    public async Task WithRedisUnreachableTheDispatcherStillPicksUpByPolling()
    {
        await using var scenario = await new Scenario(storage).CreateAsync(configure: s => s["ConnectionStrings:redis"] = "127.0.0.1:1,connectTimeout=500");
        await scenario.StartDispatcherAsync();

        await scenario.SendAsync(Scenario.Echo("no-redis"));

        await Storage.EventuallyAsync(async () => !scenario.Receiver.Calls.IsEmpty && await scenario.ApproximateCountAsync(scenario.Queue) == 0, () => "the task to complete without Redis");
    }

    private static void SlowPolling(Dictionary<string, string?> settings, string redis)
    {
        settings["ConnectionStrings:redis"] = redis;
        settings["TaskDispatch:MinPollDelay"] = "00:00:02";
        settings["TaskDispatch:MaxPollDelay"] = "00:01:00";
    }

    /// <summary>A real redis-server (a local process through Aspire.Hosting.Testing) for this class.</summary>
    public sealed class RedisServer : IAsyncLifetime
    {
        private DistributedApplication? _app;
        private ConnectionMultiplexer? _producer;

        public string ConnectionString { get; private set; } = "";

        /// <summary>What a producer does after its send.</summary>
        public Task Publish(string queue) => _producer!.GetSubscriber().PublishAsync(RedisChannel.Literal(TaskWake.Channel), queue);

        public async ValueTask InitializeAsync()
        {
            var builder = TestApps.CreateBuilder();
            builder.AddRedis("redis").WithLocalProcessFallback();
            _app = await TestApps.StartAsync(builder, ["redis"], TestContext.Current.CancellationToken);
            ConnectionString = await TestApps.ConnectionStringAsync(_app, "redis", TestContext.Current.CancellationToken);
            _producer = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        }

        public async ValueTask DisposeAsync()
        {
            if (_producer is not null)
            {
                await _producer.DisposeAsync();
            }

            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }
}
