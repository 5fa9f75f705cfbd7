using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class WebhookTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure, new Dictionary<string, string?>
    {
        ["FlowRunner:WebhookBodyLimit"] = "65536",
        ["FlowRunner:SyncTimeout"] = "00:00:01.500",
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUnknownFlowGets410AndADisabledFlowGets404()
    {
        using var client = _host.Anonymous();
        Assert.Equal(HttpStatusCode.Gone, (await client.PostAsync($"/api/v1/webhooks/{Guid.NewGuid()}", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await client.PostAsync("/api/v1/webhooks/not-a-flow-id", null, Ct)).StatusCode);

        var flowId = await _host.CreateFlowAsync(Flow(Respond("r", "x")));
        using var api = _host.Api();
        (await api.PostAsync($"/api/v1/flows/{flowId}/disable", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/webhooks/{flowId}", null, Ct)).StatusCode);
        Assert.Equal(0, await _host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{flowId}'"));
    }

    [Fact]
    public async Task ABodyOverTheLimitGets413AndNoRun()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Respond("r", "x")));
        using var client = _host.Anonymous();
        var declared = await client.PostAsync($"/api/v1/webhooks/{flowId}", new ByteArrayContent(new byte[65537]), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);

        var chunked = new StreamContent(new MemoryStream(new byte[200_000]));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{flowId}") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(request, Ct)).StatusCode);
        Assert.Equal(0, await _host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{flowId}'"));
    }

    [Fact]
    public async Task EveryRouteAcceptsEveryMethod()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Respond("r", "{{trigger.method}}")));
        using var client = _host.Anonymous();
        foreach (var route in new[] { "", "/sync", "/draft", "/draft/sync" })
        {
            foreach (var method in new[] { "GET", "POST", "PUT", "PATCH", "DELETE" })
            {
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/v1/webhooks/{flowId}{route}"), Ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {route}: {(int)response.StatusCode}");
                if (route.EndsWith("sync", StringComparison.Ordinal))
                {
                    Assert.Equal(method, await response.Content.ReadAsStringAsync(Ct));
                }
            }
        }

        Assert.Equal(20, await _host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{flowId}'"));
    }

    [Fact]
    public async Task ASyncWebhookReturnsTheRespondStepsBodyAndStatus()
    {
        var flowId = await _host.CreateFlowAsync(Flow(
            Code("total", "return { total: input.items.reduce((a, b) => a + b, 0) };", new JsonObject { ["items"] = "{{trigger.body.items}}" }),
            Respond("reply", new JsonObject { ["sum"] = "{{total.total}}", ["text"] = "sum is {{total.total}}" }, status: 201)));
        using var client = _host.Anonymous();
        var response = await client.PostAsJsonAsync($"/api/v1/webhooks/{flowId}/sync", new { items = new[] { 1, 2, 39 } }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal(42, body["sum"]!.GetValue<int>());
        Assert.Equal("sum is 42", body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASyncWebhookPastItsLimitGets408WithTheRunIdAndTheRunStillFinishes()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Delay("wait", 3), Respond("r", "late")));
        using var client = _host.Anonymous();
        var started = DateTime.UtcNow;
        var response = await client.PostAsync($"/api/v1/webhooks/{flowId}/sync", null, Ct);
        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 1.4, 2.9);
        var runId = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["runId"]!.GetValue<Guid>();
        Assert.Equal("SUCCEEDED", (await _host.WaitForEndAsync(runId)).Status);
    }

    [Fact]
    public async Task TheDraftRoutesRunTheNewestDraftAndTheOthersThePublishedVersion()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Respond("r", "published")));
        using var api = _host.Api();
        (await api.PutAsJsonAsync($"/api/v1/flows/{flowId}/draft", new JsonObject { ["displayName"] = "d", ["definition"] = Flow(Respond("r", "draft")) }, Ct)).EnsureSuccessStatusCode();
        using var client = _host.Anonymous();
        Assert.Equal("published", await client.GetStringAsync($"/api/v1/webhooks/{flowId}/sync", Ct));
        Assert.Equal("draft", await client.GetStringAsync($"/api/v1/webhooks/{flowId}/draft/sync", Ct));
    }

    [Fact]
    public async Task AFlowAskingForASignatureRefusesAMissingOrWrongOneAndAcceptsTheRightOne()
    {
        const string secret = "hmac-secret-for-test";
        var flowId = await _host.CreateFlowAsync(Flow(Respond("r", "ok")).With("trigger", new JsonObject { ["signatureHeader"] = "X-Signature-256" }), secret);
        using var client = _host.Anonymous();
        var body = "{\"order\":7}"u8.ToArray();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"/api/v1/webhooks/{flowId}", new ByteArrayContent(body), Ct)).StatusCode);

        HttpRequestMessage Signed(string key) => new(HttpMethod.Post, $"/api/v1/webhooks/{flowId}")
        {
            Content = new ByteArrayContent(body),
            Headers = { { "X-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body)) } },
        };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Signed("wrong"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Signed(secret), Ct)).StatusCode);
        Assert.Equal(1, await _host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{flowId}'"));
    }

    [Fact]
    public async Task AnIdempotencyKeyFromAHeaderOrTheBodyGivesOneRunPerKey()
    {
        var byHeader = await _host.CreateFlowAsync(Flow(Respond("r", "ok")).With("trigger", new JsonObject { ["idempotencyKey"] = new JsonObject { ["header"] = "Idempotency-Key" } }));
        var byBody = await _host.CreateFlowAsync(Flow(Respond("r", "ok")).With("trigger", new JsonObject { ["idempotencyKey"] = new JsonObject { ["jsonPath"] = "order.id" } }));
        using var client = _host.Anonymous();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{byHeader}") { Headers = { { "Idempotency-Key", "k-1" } } };
            ids.Add((await client.SendAsync(request, Ct)).Headers.GetValues("x-webhook-id").Single());
            var response = await client.PostAsJsonAsync($"/api/v1/webhooks/{byBody}", new { order = new { id = 99 } }, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Single(ids.Distinct());
        Assert.Equal(1, await _host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{byHeader}'"));
        Assert.Equal(1, await _host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE flow_id = '{byBody}' AND idempotency_key = '99'"));
    }
}
