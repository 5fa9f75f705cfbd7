using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Runs;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class RerunTests(Infrastructure infrastructure) : TargetedHostTests(infrastructure)
{
    [Fact]
    public async Task ARerunFromTheFailedStepReusesTheOutputsOfTheStepsThatCompletedOnTheSameVersion()
    {
        var key = Guid.NewGuid().ToString("N");
        var flowId = await Host.CreateFlowAsync(Flow(
            Http("fetch", Url($"/flaky/{key}-a?failures=0")),
            Http("flaky", Url($"/flaky/{key}?failures=1")),
            Code("after", "return { got: input.k };", new JsonObject { ["k"] = "{{fetch.body.key}}" })));
        var original = await Host.WaitForEndAsync(await Host.TriggerAsync(flowId));
        Assert.Equal((RunStatus.Failed, "flaky"), (original.Status, original.FailedStep));

        using var api = Host.Api();
        var response = await RerunAsync(api, original.Id, RerunStrategy.FromFailedStep);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var rerunId = created["runId"]!.GetValue<Guid>();
        Assert.Equal(original.Id, created["rerunOf"]!.GetValue<Guid>());
        Assert.Equal(original.FlowVersionId, created["flowVersionId"]!.GetValue<Guid>());
        Assert.Equal($"/api/v1/runs/{rerunId}", response.Headers.Location!.OriginalString);

        var rerun = await Host.WaitForEndAsync(rerunId);
        Assert.Equal(RunStatus.Succeeded, rerun.Status);
        Assert.Equal(1, Target.Calls(key + "-a"));
        Assert.Equal(2, Target.Calls(key));
        var steps = await Host.Get<RunQueries>().StepsAsync(rerunId, Ct);
        Assert.Equal(["fetch:SUCCEEDED", "flaky:SUCCEEDED", "after:SUCCEEDED"], steps.Select(s => $"{s.Name}:{s.Status}"));
        Assert.Equal(key + "-a", steps[2].Output!["got"]!.GetValue<string>());
        Assert.Equal(1, await Host.ScalarAsync($"SELECT count(*) FROM step_run WHERE run_id = '{rerunId}' AND reused_from = '{original.Id}'"));
        Assert.Equal(1, await Host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE id = '{rerunId}' AND rerun_of = '{original.Id}' AND rerun_strategy = 'FROM_FAILED_STEP'"));
        Assert.Equal(RunStatus.Failed, (await Host.Get<RunQueries>().GetAsync(original.Id, Ct))!.Status);

        // One rerun per run, so a double click makes one; the answer names it.
        var again = await RerunAsync(api, original.Id, RerunStrategy.OnLatestVersion);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(rerunId, (await again.Content.ReadFromJsonAsync<JsonObject>(Ct))!["rerunId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task ARerunOnTheLatestVersionStartsOverOnTheNewestPublishedVersionWithTheSamePayload()
    {
        var flowId = await Host.CreateFlowAsync(Flow(Code("first", "return 1;"), Code("check", "throw new Error('v1 is broken');")));
        var original = await Host.WaitForEndAsync(await Host.TriggerAsync(flowId, new JsonObject { ["n"] = 41 }));
        Assert.Equal(RunStatus.Failed, original.Status);

        using var api = Host.Api();
        await SaveDraftAsync(api, flowId, Flow(Code("first", "return 2;"), Code("check", "return { n: input.n + 1 };", new JsonObject { ["n"] = "{{trigger.body.n}}" })));
        var published = (await (await api.PostAsync($"/api/v1/flows/{flowId}/publish", null, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        await SaveDraftAsync(api, flowId, Flow(Code("check", "return 'an unpublished draft';")));

        var response = await RerunAsync(api, original.Id, RerunStrategy.OnLatestVersion);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal(published, created["flowVersionId"]!.GetValue<Guid>());
        var rerun = await Host.WaitForEndAsync(created["runId"]!.GetValue<Guid>());
        Assert.Equal((RunStatus.Succeeded, published), (rerun.Status, rerun.FlowVersionId));
        var steps = await Host.Get<RunQueries>().StepsAsync(rerun.Id, Ct);
        Assert.Equal(2, steps[0].Output!.GetValue<int>());
        Assert.Equal(42, steps[1].Output!["n"]!.GetValue<int>());
        Assert.Equal(0, await Host.ScalarAsync($"SELECT count(*) FROM step_run WHERE run_id = '{rerun.Id}' AND reused_from IS NOT NULL"));
    }

    [Fact]
    public async Task ARunStillRunningOrSucceededIsNotRerunButACanceledOrTimedOutOneIs()
    {
        var hangs = await Host.CreateFlowAsync(Flow(Code("before", "return 'ok';"), Http("hang", Url("/hang"))));
        var runId = await Host.TriggerAsync(hangs);
        await Host.WaitForStatusAsync(runId, s => s == RunStatus.Running);
        await Infrastructure.EventuallyAsync(async () => await Host.ScalarAsync($"SELECT count(*) FROM step_run WHERE run_id = '{runId}'") == 1, () => "the first step to be logged");
        using var api = Host.Api();
        Assert.Equal(HttpStatusCode.Conflict, (await RerunAsync(api, runId, RerunStrategy.FromFailedStep)).StatusCode);
        Assert.Equal(0, await Host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE rerun_of = '{runId}'"));

        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync($"/api/v1/runs/{runId}/cancel", null, Ct)).StatusCode);
        var response = await RerunAsync(api, runId, RerunStrategy.FromFailedStep);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var rerunId = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["runId"]!.GetValue<Guid>();
        await Host.WaitForStatusAsync(rerunId, s => s == RunStatus.Running);
        Assert.Equal(1, await Host.ScalarAsync($"SELECT count(*) FROM step_run WHERE run_id = '{rerunId}' AND step_name = 'before' AND reused_from = '{runId}'"));
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync($"/api/v1/runs/{rerunId}/cancel", null, Ct)).StatusCode);

        var slow = await Host.CreateFlowAsync(Flow(Http("hang", Url("/hang"))).With("settings", new JsonObject { ["timeoutSeconds"] = 1 }));
        var timedOut = await Host.WaitForEndAsync(await Host.TriggerAsync(slow), 15);
        Assert.Equal(RunStatus.Timeout, timedOut.Status);
        Assert.Equal(HttpStatusCode.Created, (await RerunAsync(api, timedOut.Id, RerunStrategy.OnLatestVersion)).StatusCode);

        var fine = await Host.CreateFlowAsync(Flow(Code("ok", "return 1;")));
        var succeeded = await Host.WaitForEndAsync(await Host.TriggerAsync(fine));
        Assert.Equal(RunStatus.Succeeded, succeeded.Status);
        var refused = await RerunAsync(api, succeeded.Id, RerunStrategy.OnLatestVersion);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("SUCCEEDED", await refused.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ARunCanceledWhilePausedIsRerunFromItsDelayAndADraftOnlyFlowHasNoLatestVersion()
    {
        // The pause logs the delay done at once; the rerun must not reuse a delay the run never got past.
        var flowId = await Host.CreateFlowAsync(Flow(Code("before", "return 1;"), Delay("wait", 60), Code("after", "return 2;")));
        var runId = await Host.TriggerAsync(flowId);
        await Host.WaitForStatusAsync(runId, s => s == RunStatus.Paused);
        using var api = Host.Api();
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync($"/api/v1/runs/{runId}/cancel", null, Ct)).StatusCode);
        var response = await RerunAsync(api, runId, RerunStrategy.FromFailedStep);
        var rerunId = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["runId"]!.GetValue<Guid>();
        await Host.WaitForStatusAsync(rerunId, s => s == RunStatus.Paused);
        Assert.Equal(1, await Host.ScalarAsync($"SELECT count(*) FROM step_run WHERE run_id = '{rerunId}' AND reused_from IS NOT NULL AND step_name = 'before'"));
        Assert.Equal(0, await Host.ScalarAsync($"SELECT count(*) FROM step_run WHERE run_id = '{rerunId}' AND reused_from IS NOT NULL AND step_name <> 'before'"));
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync($"/api/v1/runs/{rerunId}/cancel", null, Ct)).StatusCode);

        var draftOnly = await Host.CreateFlowAsync(Flow(Code("broken", "throw new Error('no');")), publish: false);
        using var client = Host.Anonymous();
        using var hook = await client.PostAsJsonAsync($"/api/v1/webhooks/{draftOnly}/draft", new { }, Ct);
        var failed = await Host.WaitForEndAsync(Guid.Parse(hook.Headers.GetValues("x-webhook-id").Single()));
        var refused = await RerunAsync(api, failed.Id, RerunStrategy.OnLatestVersion);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("no published version", await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Created, (await RerunAsync(api, failed.Id, RerunStrategy.FromFailedStep)).StatusCode);
    }

    [Fact]
    public async Task RerunNeedsAValidKeyAKnownRunAndAStrategyAndNeverTakesTheRunsPageCookie()
    {
        var flowId = await Host.CreateFlowAsync(Flow(Code("broken", "throw new Error('no');")));
        var failed = await Host.WaitForEndAsync(await Host.TriggerAsync(flowId));
        using var anonymous = Host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await RerunAsync(anonymous, failed.Id, RerunStrategy.FromFailedStep)).StatusCode);
        using var wrongKey = Host.Anonymous();
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", FlowRunnerHost.Key + "-not");
        Assert.Equal(HttpStatusCode.Unauthorized, (await RerunAsync(wrongKey, failed.Id, RerunStrategy.FromFailedStep)).StatusCode);

        // A signed-in browser's cookie is for /ui only: the JSON API takes the key alone, so it has nothing to forge.
        using var browser = Host.NoRedirects();
        using var login = await browser.PostAsync("/ui/login", new FormUrlEncodedContent([new("key", FlowRunnerHost.Key)]), Ct);
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var withCookie = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/runs/{failed.Id}/rerun") { Content = JsonContent.Create(new { strategy = RerunStrategy.FromFailedStep }) };
        withCookie.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(withCookie, Ct)).StatusCode);

        using var api = Host.Api();
        Assert.Equal(HttpStatusCode.NotFound, (await RerunAsync(api, Guid.NewGuid(), RerunStrategy.FromFailedStep)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RerunAsync(api, failed.Id, "FROM_THE_MIDDLE")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync($"/api/v1/runs/{failed.Id}/rerun", JsonContent.Create(new { }), Ct)).StatusCode);
        Assert.Equal(0, await Host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE rerun_of IS NOT NULL"));
    }

    private static Task<HttpResponseMessage> RerunAsync(HttpClient client, Guid runId, string strategy) =>
        client.PostAsJsonAsync($"/api/v1/runs/{runId}/rerun", new { strategy }, Ct);

    private static async Task SaveDraftAsync(HttpClient api, Guid flowId, JsonObject definition) =>
        (await api.PutAsJsonAsync($"/api/v1/flows/{flowId}/draft", new JsonObject { ["displayName"] = "test flow", ["definition"] = definition }, Ct)).EnsureSuccessStatusCode();
}
