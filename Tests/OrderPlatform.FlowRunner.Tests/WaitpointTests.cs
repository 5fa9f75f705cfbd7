using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Waitpoints;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class WaitpointTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Hands out the resume URL, waits, then uses what the resume request brought.
    private static JsonObject Approval(int timeoutSeconds = 3600) => Flow(
        Code("announce", "return { url: input.url };", new JsonObject { ["url"] = "{{waitpoints.approve.resumeUrl}}" }),
        Wait("approve", timeoutSeconds),
        Code("after", "return { decision: input.d, note: input.n };", new JsonObject { ["d"] = "{{approve.body.decision}}", ["n"] = "{{approve.query.note}}" }));

    private async Task<string> ResumeUrlAsync(Guid runId)
    {
        using var api = _host.Api();
        var detail = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/runs/{runId}", Ct))!;
        return detail["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "announce")!["output"]!["url"]!.GetValue<string>();
    }

    [Fact]
    public async Task AWaitStepPausesUntilItsResumeUrlIsCalledOnceAndASecondResumeGets409()
    {
        var runId = await _host.TriggerAsync(await _host.CreateFlowAsync(Approval()));
        await _host.WaitForStatusAsync(runId, s => s == RunStatus.Paused);
        var url = await ResumeUrlAsync(runId);
        Assert.StartsWith($"/api/v1/flow-runs/{runId}/waitpoints/approve/", url);
        Assert.Equal(1, await _host.ScalarAsync($"SELECT count(*) FROM waitpoint WHERE run_id = '{runId}' AND status = 'PENDING'"));

        using var client = _host.Anonymous();
        var forged = url[..url.LastIndexOf('/')] + "/" + new string('A', 43);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync(forged, new { decision = "forged" }, Ct)).StatusCode);
        var otherStep = url.Replace("/approve/", "/other/", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync(otherStep, new { decision = "forged" }, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(url + "?note=ok", new { decision = "approved" }, Ct)).StatusCode);
        var run = await _host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var steps = await _host.Get<RunQueries>().StepsAsync(runId, Ct);
        Assert.Equal(["announce", "approve", "after"], steps.Select(s => s.Name));
        Assert.Equal("approved", steps[1].Output!["body"]!["decision"]!.GetValue<string>());
        Assert.Equal("approved", steps[2].Output!["decision"]!.GetValue<string>());
        Assert.Equal("ok", steps[2].Output!["note"]!.GetValue<string>());

        var again = await client.PostAsJsonAsync(url, new { decision = "again" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("approved", (await _host.Get<RunQueries>().StepsAsync(runId, Ct))[1].Output!["body"]!["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task AResumeThatBeatsThePauseIsPickedUpWhenTheRunReachesTheStep()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Delay("busy", 4), Wait("approve"), Code("after", "return input.d;", new JsonObject { ["d"] = "{{approve.body.decision}}" })));
        var runId = await _host.TriggerAsync(flowId);
        await _host.WaitForStatusAsync(runId, s => s == RunStatus.Running);

        using var client = _host.Anonymous();
        var url = _host.Get<WaitpointStore>().ResumePath(runId, "approve");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(url, new { decision = "early" }, Ct)).StatusCode);
        var run = await _host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("early", (await _host.Get<RunQueries>().StepsAsync(runId, Ct)).Single(s => s.Name == "after").Output!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync(url, new { decision = "late" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task AResumeWhileTheRunSleepsInADelayDoesNotCutTheDelayShort()
    {
        // Over the 5 s a delay waits inline: this one pauses the run (and releases its worker) until it is due.
        var flowId = await _host.CreateFlowAsync(Flow(Delay("busy", 8), Wait("approve"), Code("after", "return input.d;", new JsonObject { ["d"] = "{{approve.body.decision}}" })));
        var started = System.Diagnostics.Stopwatch.StartNew();
        var runId = await _host.TriggerAsync(flowId);
        await _host.WaitForStatusAsync(runId, s => s == RunStatus.Paused);

        using var client = _host.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(_host.Get<WaitpointStore>().ResumePath(runId, "approve"), new { decision = "early" }, Ct)).StatusCode);
        await Task.Delay(1000, Ct);
        Assert.Equal(RunStatus.Paused, (await _host.Get<RunQueries>().GetAsync(runId, Ct))!.Status);

        var run = await _host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(8), $"the 8 s delay ended after {started.Elapsed}");
        Assert.Equal("early", (await _host.Get<RunQueries>().StepsAsync(runId, Ct)).Single(s => s.Name == "after").Output!.GetValue<string>());
    }

    [Fact]
    public async Task AWaitPastItsTimeoutFailsTheStepAndALateResumeGets409()
    {
        var runId = await _host.TriggerAsync(await _host.CreateFlowAsync(Approval(timeoutSeconds: 2)));
        var run = await _host.WaitForEndAsync(runId, 30);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("approve", run.FailedStep);
        Assert.Equal("WAITPOINT_TIMEOUT", run.Error!["type"]!.GetValue<string>());

        using var client = _host.Anonymous();
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync(await ResumeUrlAsync(runId), new { decision = "late" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task APausedRunCanBeCanceledAndItsResumeIsThenRefused()
    {
        var runId = await _host.TriggerAsync(await _host.CreateFlowAsync(Approval()));
        await _host.WaitForStatusAsync(runId, s => s == RunStatus.Paused);
        using var api = _host.Api();
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync($"/api/v1/runs/{runId}/cancel", null, Ct)).StatusCode);
        Assert.Equal(RunStatus.Canceled, (await _host.WaitForEndAsync(runId)).Status);

        using var client = _host.Anonymous();
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync(await ResumeUrlAsync(runId), new { decision = "late" }, Ct)).StatusCode);
        await Task.Delay(500, Ct);
        Assert.Equal(RunStatus.Canceled, await _host.Get<RunStore>().StatusAsync(runId, Ct));
        Assert.Equal(0, await _host.ScalarAsync($"SELECT count(*) FROM step_run WHERE run_id = '{runId}' AND step_name = 'after'"));
    }

    [Fact]
    public async Task APausedRunIsResumedByAnotherReplicaAfterItsWorkerWasStopped()
    {
        var database = await infrastructure.CreateDatabaseAsync();
        var shared = new Dictionary<string, string?> { ["FlowRunner:QueuePrefix"] = "fr-wait-" + Guid.NewGuid().ToString("N")[..8] };
        Guid runId;
        string url;
        await using (var first = new FlowRunnerHost(database, infrastructure.Redis, shared))
        {
            runId = await first.TriggerAsync(await first.CreateFlowAsync(Approval()));
            await first.WaitForStatusAsync(runId, s => s == RunStatus.Paused);
            url = first.Get<WaitpointStore>().ResumePath(runId, "approve");
        }

        await using var second = new FlowRunnerHost(database, infrastructure.Redis, shared);
        using var client = second.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(url, new { decision = "after-restart" }, Ct)).StatusCode);
        var run = await second.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("after-restart", (await second.Get<RunQueries>().StepsAsync(runId, Ct)).Single(s => s.Name == "after").Output!["decision"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("nested", "must be a top-level step")]
    [InlineData("unknownWaitpoint", "{{waitpoints.nope}} names no wait-for-webhook step")]
    [InlineData("unnamedConnection", "name the connection: {{connections.<name>}}")]
    [InlineData("reservedName", "reserved 'trigger', 'connections', 'waitpoints'")]
    public async Task WaitpointAndConnectionMistakesGetA400NamingThem(string mistake, string expected)
    {
        var flow = mistake switch
        {
            "nested" => Flow(new JsonObject { ["type"] = "loop", ["name"] = "each", ["items"] = "{{trigger.body.items}}", ["steps"] = new JsonArray(Wait("inner")) }),
            "unknownWaitpoint" => Flow(Code("announce", "return input;", new JsonObject { ["u"] = "{{waitpoints.nope.resumeUrl}}" }), Wait("approve")),
            "unnamedConnection" => Flow(Code("all", "return input;", new JsonObject { ["c"] = "{{connections}}" })),
            _ => Flow(Wait("connections")),
        };
        using var api = _host.Api();
        var response = await api.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["displayName"] = "bad", ["definition"] = flow }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
    }
}
