using System.Diagnostics;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>
/// A replica stops promptly when Redis has gone before it: the AppHost stops its local Redis with the app, and a
/// deployment can stop replicas during a Redis outage.
/// </summary>
public sealed class ShutdownTests(Infrastructure infrastructure)
{
    [Fact]
    public async Task AReplicaStopsPromptlyWhenRedisHasGoneFirst()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync();
        // The multiplexer's default 5 s timeout, as the services run with: a read the stop waited for would hold it that long.
        var host = new FlowRunnerHost(await infrastructure.CreateDatabaseAsync(), $"127.0.0.1:{redis.Port},abortConnect=false");
        try
        {
            using var client = host.Anonymous();
            Assert.True((await client.GetAsync("/health", ct)).IsSuccessStatusCode);
            redis.Kill();
            // Long enough for every poll loop to be waiting on a Redis read that cannot complete.
            await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        var clock = Stopwatch.StartNew();
        await host.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"the replica took {clock.Elapsed.TotalSeconds:N1} s to stop");
    }
}
