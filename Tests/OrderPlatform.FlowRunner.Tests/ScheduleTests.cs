using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Schedules;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class ScheduleTests(Infrastructure infrastructure)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Scheduled(JsonObject schedule) =>
        Flow(Code("tick", "return input.t;", new JsonObject { ["t"] = "{{trigger.body.fireTime}}" }))
            .With("trigger", new JsonObject { ["type"] = "schedule", ["schedule"] = schedule });

    [Fact]
    public async Task AnIntervalScheduleFiresExactlyOncePerTickWithTwoReplicas()
    {
        var database = await infrastructure.CreateDatabaseAsync();
        var shared = new Dictionary<string, string?>
        {
            ["FlowRunner:QueuePrefix"] = "fr-sched-" + Guid.NewGuid().ToString("N")[..8],
            ["FlowRunner:SchedulerInterval"] = "00:00:00.020",
        };
        await using var first = new FlowRunnerHost(database, infrastructure.Redis, shared);
        await using var second = new FlowRunnerHost(database, infrastructure.Redis, shared);
        _ = second.Get<Scheduler>();
        var flowId = await first.CreateFlowAsync(Scheduled(new JsonObject { ["kind"] = "interval", ["everySeconds"] = 1 }));

        await Task.Delay(TimeSpan.FromSeconds(5.5), Ct);
        using (var api = first.Api())
        {
            (await api.PostAsync($"/api/v1/flows/{flowId}/disable", null, Ct)).EnsureSuccessStatusCode();
        }

        var fires = await first.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{flowId}'");
        var distinct = await first.ScalarAsync($"SELECT count(DISTINCT fire_time) FROM flow_run WHERE flow_id = '{flowId}'");
        var span = await first.ScalarAsync($"SELECT extract(epoch FROM max(fire_time) - min(fire_time))::bigint FROM flow_run WHERE flow_id = '{flowId}'");
        var offGrid = await first.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{flowId}' AND extract(milliseconds FROM fire_time)::bigint % 1000 <> 0");
        Assert.InRange(fires, 4, 6);
        Assert.Equal(fires, distinct);
        Assert.Equal(fires - 1, span);
        Assert.Equal(0, offGrid);
        await Infrastructure.EventuallyAsync(
            async () => await first.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{flowId}' AND status = 'SUCCEEDED'") == fires,
            () => "the fired runs to complete");
    }

    [Theory]
    [InlineData(420, "2026-12-03T10:00:00Z", "2026-12-03T10:03:00Z", "2026-12-03T10:07:00Z")]
    [InlineData(420, "2026-12-03T10:00:00Z", "2026-12-03T10:07:00Z", "2026-12-03T10:14:00Z")]
    [InlineData(2700, "2026-12-03T00:00:00Z", "2026-12-03T00:59:59Z", "2026-12-03T01:30:00Z")]
    public void IntervalFireTimesAreAnchorPlusWholePeriods(int every, string anchor, string after, string expected)
    {
        var schedule = new ScheduleDefinition { Kind = "interval", EverySeconds = every, Anchor = DateTimeOffset.Parse(anchor) };
        Assert.Equal(DateTimeOffset.Parse(expected), ScheduleClock.Next(schedule, DateTimeOffset.Parse(after)));
    }

    [Fact]
    public void CronFireTimesFollowTheScheduleTimeZone()
    {
        var schedule = new ScheduleDefinition { Kind = "cron", Cron = "0 9 * * *", TimeZone = "Europe/Berlin" };
        Assert.Equal(DateTimeOffset.Parse("2026-12-04T08:00:00Z"), ScheduleClock.Next(schedule, DateTimeOffset.Parse("2026-12-03T09:00:00Z")));
        Assert.Equal(DateTimeOffset.Parse("2026-07-01T07:00:00Z"), ScheduleClock.Next(schedule, DateTimeOffset.Parse("2026-06-30T12:00:00Z")));
    }

    [Fact]
    public async Task ABadScheduleGetsA400NamingTheProblem()
    {
        (string Schedule, string Problem)[] cases =
        [
            ("{\"kind\":\"cron\",\"cron\":\"61 * * * *\"}", "does not parse"),
            ("{\"kind\":\"cron\",\"cron\":\"0 9 * * *\",\"timeZone\":\"Mars/Olympus\"}", "is not an IANA time zone"),
            ("{\"kind\":\"interval\",\"everySeconds\":0}", "everySeconds"),
            ("{\"kind\":\"interval\",\"everySeconds\":60,\"misfire\":\"twice\"}", "misfire"),
        ];
        await using var host = await FlowRunnerHost.StartAsync(infrastructure);
        using var api = host.Api();
        foreach (var (schedule, problem) in cases)
        {
            var body = new JsonObject { ["displayName"] = "x", ["definition"] = Scheduled(JsonNode.Parse(schedule)!.AsObject()) };
            var response = await api.PostAsJsonAsync("/api/v1/flows", body, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(problem, await response.Content.ReadAsStringAsync(Ct));
        }
    }
}
