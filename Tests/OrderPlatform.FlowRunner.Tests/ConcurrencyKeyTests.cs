using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Runs;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class ConcurrencyKeyTests(Infrastructure infrastructure) : TargetedHostTests(infrastructure)
{
    [Fact]
    public async Task RunsWithTheSameKeyNeverOverlapWhileRunsWithDifferentKeysDo()
    {
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var flowId = await Host.CreateFlowAsync(Flow(Http("call", new Uri(Target.Address, $"/slow/{prefix}-{{{{trigger.body.customer}}}}?ms=300").ToString()))
            .With("settings", new JsonObject { ["concurrencyKey"] = new JsonObject { ["value"] = "{{trigger.body.customer}}", ["limit"] = 1 } }));
        var runs = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            runs.Add(await Host.TriggerAsync(flowId, new JsonObject { ["customer"] = "alpha" }));
            runs.Add(await Host.TriggerAsync(flowId, new JsonObject { ["customer"] = "beta" }));
        }

        foreach (var run in runs)
        {
            Assert.Equal(RunStatus.Succeeded, (await Host.WaitForEndAsync(run, 60)).Status);
        }

        Assert.Equal(1, Target.MaxInFlightOf($"{prefix}-alpha"));
        Assert.Equal(1, Target.MaxInFlightOf($"{prefix}-beta"));
        // Four workers and two keys: the two sequences ran side by side.
        Assert.Equal(2, Target.MaxInFlight);
        var sameKeyOverlaps = await Host.ScalarAsync(
            "SELECT count(*) FROM step_run a JOIN step_run b ON a.run_id < b.run_id JOIN run_payload pa ON pa.run_id = a.run_id JOIN run_payload pb ON pb.run_id = b.run_id " +
            "WHERE convert_from(pa.body, 'UTF8')::jsonb->>'customer' = convert_from(pb.body, 'UTF8')::jsonb->>'customer' " +
            "AND a.started_at < b.finished_at AND b.started_at < a.finished_at");
        Assert.Equal(0, sameKeyOverlaps);
    }

    [Fact]
    public async Task AConcurrencyKeyThatIsNoTemplateOverTheTriggerIsRefused()
    {
        using var api = Host.Api();
        foreach (var value in new[] { "constant", "{{first.id}}" })
        {
            var flow = Flow(Code("first", "return 1;")).With("settings", new JsonObject { ["concurrencyKey"] = new JsonObject { ["value"] = value } });
            var response = await api.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["displayName"] = "bad", ["definition"] = flow }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("settings.concurrencyKey.value", await response.Content.ReadAsStringAsync(Ct));
        }
    }
}
