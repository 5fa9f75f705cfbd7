using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Runs;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class ConcurrencyKeyTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;
    private FakeTarget _target = null!;

    public async ValueTask InitializeAsync()
    {
        _target = await FakeTarget.StartAsync();
        _host = await FlowRunnerHost.StartAsync(infrastructure, new Dictionary<string, string?> { ["FlowRunner:Http:AllowedPrivateTargets:0"] = "127.0.0.1" });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _target.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunsWithTheSameKeyNeverOverlapWhileRunsWithDifferentKeysDo()
    {
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var flowId = await _host.CreateFlowAsync(Flow(Http("call", new Uri(_target.Address, $"/slow/{prefix}-{{{{trigger.body.customer}}}}?ms=300").ToString()))
            .With("settings", new JsonObject { ["concurrencyKey"] = new JsonObject { ["value"] = "{{trigger.body.customer}}", ["limit"] = 1 } }));
        var runs = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            runs.Add(await _host.TriggerAsync(flowId, new JsonObject { ["customer"] = "alpha" }));
            runs.Add(await _host.TriggerAsync(flowId, new JsonObject { ["customer"] = "beta" }));
        }

        foreach (var run in runs)
        {
            Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(run, 60)).Status);
        }

        Assert.Equal(1, _target.MaxInFlightOf($"{prefix}-alpha"));
        Assert.Equal(1, _target.MaxInFlightOf($"{prefix}-beta"));
        // Four workers and two keys: the two sequences ran side by side.
        Assert.Equal(2, _target.MaxInFlight);
        var sameKeyOverlaps = await _host.ScalarAsync(
            "SELECT count(*) FROM step_run a JOIN step_run b ON a.run_id < b.run_id JOIN run_payload pa ON pa.run_id = a.run_id JOIN run_payload pb ON pb.run_id = b.run_id " +
            "WHERE convert_from(pa.body, 'UTF8')::jsonb->>'customer' = convert_from(pb.body, 'UTF8')::jsonb->>'customer' " +
            "AND a.started_at < b.finished_at AND b.started_at < a.finished_at");
        Assert.Equal(0, sameKeyOverlaps);
    }

    [Fact]
    public async Task AConcurrencyKeyThatIsNoTemplateOverTheTriggerIsRefused()
    {
        using var api = _host.Api();
        foreach (var value in new[] { "constant", "{{first.id}}" })
        {
            var flow = Flow(Code("first", "return 1;")).With("settings", new JsonObject { ["concurrencyKey"] = new JsonObject { ["value"] = value } });
            var response = await api.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["displayName"] = "bad", ["definition"] = flow }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("settings.concurrencyKey.value", await response.Content.ReadAsStringAsync(Ct));
        }
    }
}
