using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class FlowApiTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string Body)> PostRawAsync(string json)
    {
        using var api = _host.Api();
        var response = await api.PostAsync("/api/v1/flows", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task FlowsAndRunsRefuseRequestsWithoutAValidApiKey()
    {
        using var anonymous = _host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/flows", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/runs", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json", Ct)).StatusCode);
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/flows", Ct)).StatusCode);
    }

    [Fact]
    public async Task MalformedJsonGetsA400SayingWhere()
    {
        var (status, body) = await PostRawAsync("{\"displayName\": \"x\", \"definition\": {\"steps\": [}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Malformed JSON", body);
        Assert.Contains("LineNumber", body);
    }

    [Fact]
    public async Task AnUnknownStepTypeGetsA400NamingTheStepAndTheType()
    {
        var flow = Flow(Code("a", "return 1;"), new JsonObject { ["type"] = "teleport", ["name"] = "b" });
        var (status, body) = await PostRawAsync(new JsonObject { ["displayName"] = "x", ["definition"] = flow }.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("steps[1].type: unknown step type 'teleport'", body);
    }

    [Theory]
    [InlineData("{{trigger.body", "without a closing")]
    [InlineData("{{nosuchstep.output}}", "refers to 'nosuchstep'")]
    [InlineData("{{trigger.body[x]}}", "neither an index nor a quoted key")]
    public async Task ABrokenTemplateGetsA400NamingTheProblem(string template, string problem)
    {
        var flow = Flow(Code("a", "return input;", new JsonObject { ["v"] = template }));
        var (status, body) = await PostRawAsync(new JsonObject { ["displayName"] = "x", ["definition"] = flow }.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("step 'a'", body);
        Assert.Contains(problem, body);
    }

    [Fact]
    public async Task JavaScriptThatDoesNotParseGetsA400()
    {
        var (status, body) = await PostRawAsync(new JsonObject { ["displayName"] = "x", ["definition"] = Flow(Code("a", "return {;")) }.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("does not parse", body);
    }

    [Fact]
    public async Task PublishedVersionsAreImmutableAndANewDraftGetsTheNextNumber()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Respond("r", "v1")));
        using var api = _host.Api();
        var draft = await api.PutAsJsonAsync($"/api/v1/flows/{flowId}/draft", new JsonObject { ["displayName"] = "renamed", ["definition"] = Flow(Respond("r", "v2")) }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, draft.StatusCode);

        var versions = (await api.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{flowId}/versions", Ct))!;
        Assert.Equal(["2:DRAFT", "1:LOCKED"], versions.Select(v => $"{v!["number"]}:{v["state"]}"));

        await using var connection = new NpgsqlConnection(_host.Database);
        await connection.OpenAsync(Ct);
        await using var tamper = new NpgsqlCommand($"UPDATE flow_version SET definition = '{{}}' WHERE flow_id = '{flowId}' AND state = 'LOCKED'", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => tamper.ExecuteNonQueryAsync(Ct));
        Assert.Contains("cannot change", refused.MessageText);
    }

    [Fact]
    public async Task OnlyAPublishedFlowCanBeEnabled()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Respond("r", "x")), publish: false);
        using var api = _host.Api();
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"/api/v1/flows/{flowId}/enable", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/flows/{flowId}/publish", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync($"/api/v1/flows/{flowId}/enable", null, Ct)).StatusCode);
        Assert.Equal("ENABLED", (await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{flowId}", Ct))!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/v1/flows/{Guid.NewGuid()}/enable", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task AnExportedFlowImportsAsANewFlowWithTheSameDefinitionAndNoSecret()
    {
        var definition = Flow(Code("sum", "return input.a + 1;", new JsonObject { ["a"] = "{{trigger.body.a}}" }), Respond("r", "{{sum}}"));
        var flowId = await _host.CreateFlowAsync(definition, secret: "export-must-not-show-this");
        using var api = _host.Api();
        var exported = await api.GetStringAsync($"/api/v1/flows/{flowId}/export", Ct);
        Assert.DoesNotContain("export-must-not-show-this", exported);

        var imported = await api.PostAsync("/api/v1/flows/import", new StringContent(exported, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var newId = (await imported.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        Assert.NotEqual(flowId, newId);
        var again = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{newId}/export", Ct))!;
        Assert.True(JsonNode.DeepEquals(definition, again["definition"]), again.ToJsonString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheFlowAndRunRoutes()
    {
        using var api = _host.Api();
        var document = await api.GetStringAsync("/openapi/v1.json", Ct);
        Assert.Contains("/api/v1/flows/{flowId}/publish", document);
        Assert.Contains("/api/v1/runs/{runId}/cancel", document);
        Assert.Contains("/api/v1/webhooks/{flowId}/draft/sync", document);
    }

    [Fact]
    public async Task AKeyOverItsBudgetGets429WithRetryAfter()
    {
        await using var limited = await FlowRunnerHost.StartAsync(infrastructure, new Dictionary<string, string?> { ["FlowRunner:PermitsPerMinute"] = "3" });
        using var api = limited.Api();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var response = await api.GetAsync("/api/v1/flows", Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter is not null);
            }
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
