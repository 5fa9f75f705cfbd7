using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>Redis killed (SIGKILL, no persistence: every queue entry and the consumer group gone) in the middle of a burst.</summary>
public sealed class RedisOutageTests(Infrastructure infrastructure)
{
    private const int Count = 600;

    [Fact]
    public async Task RedisRestartedDuringABurstLosesNoAcceptedWebhook()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync();
        await using var host = new FlowRunnerHost(await infrastructure.CreateDatabaseAsync(), redis.ConnectionString, new Dictionary<string, string?>
        {
            // What the restart lost is queued again from Postgres once it has waited this long.
            ["FlowRunner:RequeueAfter"] = "00:00:03",
        });
        var flowId = await host.CreateFlowAsync(Flow(Code("echo", "return { n: input.n };", new JsonObject { ["n"] = "{{trigger.body.n}}" })));
        using var client = host.Anonymous();
        var answers = new ConcurrentDictionary<int, (HttpStatusCode Status, Guid? RunId)>();
        var burst = Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (n, token) =>
        {
            using var response = await client.PostAsJsonAsync($"/api/v1/webhooks/{flowId}", new { n }, token);
            answers[n] = (response.StatusCode, response.Headers.TryGetValues("x-webhook-id", out var id) ? Guid.Parse(id.Single()) : null);
        });

        await Infrastructure.EventuallyAsync(() => Task.FromResult(answers.Count >= Count / 4), () => "a quarter of the burst answered", 60);
        redis.Kill();
        var answeredWhileUp = answers.Count;
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await redis.RestartAsync();
        await burst;

        Assert.True(answeredWhileUp < Count, "the burst was over before Redis went down");
        Assert.Equal(Count, answers.Count);
        var accepted = answers.Where(a => a.Value.Status == HttpStatusCode.OK).ToList();
        Assert.All(answers.Values, a => Assert.True(a.Status == HttpStatusCode.OK || (int)a.Status >= 400, $"answer {(int)a.Status} is neither 200 nor an error"));
        Assert.All(accepted, a => Assert.NotNull(a.Value.RunId));
        Assert.Equal(accepted.Count, accepted.Select(a => a.Value.RunId).Distinct().Count());
        var ids = string.Join(",", accepted.Select(a => $"'{a.Value.RunId}'"));
        Assert.Equal(accepted.Count, await host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE id IN ({ids})"));

        long succeeded = 0;
        await Infrastructure.EventuallyAsync(
            async () => (succeeded = await host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE id IN ({ids}) AND status = 'SUCCEEDED'")) == accepted.Count,
            () => $"every accepted run to succeed after Redis returned ({succeeded} of {accepted.Count})", 90);
        // Each accepted webhook ran with its own payload: no run executed another's body, none is missing.
        Assert.Equal(accepted.Count, await host.ScalarAsync(
            $"SELECT count(DISTINCT (s.output->>'n')) FROM step_run s WHERE s.run_id IN ({ids}) AND s.status = 'SUCCEEDED'"));
    }
}
