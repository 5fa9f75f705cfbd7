using System.Net;
using System.Text.Json.Nodes;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

public sealed class CardActionTests(BotFixture fixture) : IClassFixture<BotFixture>
{
    private readonly FakeBotConnector _connector = fixture.Connector;
    private readonly BotApp _bot = fixture.Bot;

    [Fact]
    public async Task AnExecuteInvokeSignalsTheWorkflowAndReplacesTheCard()
    {
        var caseId = $"case-{Guid.NewGuid():N}";
        var userId = TestActivities.NewUserId();
        fixture.Api.KnownCases[caseId] = (BotApp.TenantId, userId);
        var value = new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute",
                ["verb"] = "corrections",
                ["data"] = new JsonObject
                {
                    ["caseId"] = caseId,
                    ["verb"] = "corrections",
                    ["field:customer"] = "ACME GmbH",
                    ["field:poNumber"] = "",
                    ["line:7:quantity"] = "12.5",
                    ["line:7:sku"] = "0042",
                },
            },
            ["trigger"] = "manual",
        };

        using var response = await _bot.PostActivityAsync(
            TestActivities.Invoke(_connector.ServiceUrl, TestActivities.NewConversationId(), userId, value), _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", body["type"]!.GetValue<string>());
        Assert.Equal("1.5", body["value"]!["version"]!.GetValue<string>());
        Assert.Contains("corrections for order", body["value"]!["body"]![0]!["text"]!.GetValue<string>());
        var (_, signal) = Assert.Single(fixture.Api.Signals, s => s.CaseId == caseId);
        Assert.Equal(SignalNames.Corrections, signal.Signal);
        Assert.Equal(userId, signal.UserId);
        Assert.Equal(new Dictionary<string, string> { ["customer"] = "ACME GmbH" }, signal.Corrections!.Fields);
        Assert.Equal([new LineCorrection(7, Sku: "0042", Quantity: 12.5m)], signal.Corrections.Lines!);
    }

    [Fact]
    public async Task AnInvokeWithoutExecuteIs400()
    {
        var value = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Submit" } };

        using var response = await _bot.PostActivityAsync(
            TestActivities.Invoke(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), value), _connector.MintToken());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnExecuteForACaseNoLongerWaitingSaysSoInTheCard()
    {
        var caseId = $"case-{Guid.NewGuid():N}";
        var userId = TestActivities.NewUserId();
        fixture.Api.ClosedCases[caseId] = true;
        fixture.Api.KnownCases[caseId] = (BotApp.TenantId, userId);
        var value = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "corrections", ["data"] = new JsonObject { ["caseId"] = caseId } },
        };

        using var response = await _bot.PostActivityAsync(
            TestActivities.Invoke(_connector.ServiceUrl, TestActivities.NewConversationId(), userId, value), _connector.MintToken());

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Contains("no longer waiting", body["value"]!["body"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnknownVerbGetsAnErrorInvokeResponse()
    {
        var value = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "launchRockets" } };

        using var response = await _bot.PostActivityAsync(
            TestActivities.Invoke(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), value), _connector.MintToken());

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(400, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.error", body["type"]!.GetValue<string>());
        Assert.Equal("UnknownVerb", body["value"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnActionSubmitFromAnOlderClientSignalsAndUpdatesTheCard()
    {
        var caseId = $"case-{Guid.NewGuid():N}";
        var conversationId = TestActivities.NewConversationId();
        var userId = TestActivities.NewUserId();
        fixture.Api.KnownCases[caseId] = (BotApp.TenantId, userId);
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, userId);
        activity["replyToId"] = "card-activity-1";
        activity["value"] = new JsonObject { ["caseId"] = caseId, ["verb"] = "corrections", ["field:poNumber"] = "PO-7" };

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var update = await _connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        Assert.Equal("PUT", update.Method);
        Assert.Equal($"/amer/v3/conversations/{conversationId}/activities/card-activity-1", update.Path);
        Assert.Contains("corrections for order", update.Body!["attachments"]![0]!["content"]!["body"]![0]!["text"]!.GetValue<string>());
        var (_, signal) = Assert.Single(fixture.Api.Signals, s => s.CaseId == caseId);
        Assert.Equal("PO-7", signal.Corrections!.Fields["poNumber"]);
    }

    [Fact]
    public async Task AnotherUsersCaseCannotBeAnsweredFromACardOrAnOlderClient()
    {
        var caseId = $"case-{Guid.NewGuid():N}";
        fixture.Api.KnownCases[caseId] = (BotApp.TenantId, TestActivities.NewUserId());
        var intruder = TestActivities.NewUserId();
        var execute = new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute", ["verb"] = "corrections",
                ["data"] = new JsonObject { ["caseId"] = caseId, ["verb"] = "corrections", ["field:customer"] = "Mine now" },
            },
        };
        var conversationId = TestActivities.NewConversationId();
        var submit = TestActivities.Message(_connector.ServiceUrl, conversationId, intruder);
        submit["value"] = new JsonObject { ["caseId"] = caseId, ["verb"] = "corrections", ["field:poNumber"] = "PO-X" };

        using var invoke = await _bot.PostActivityAsync(
            TestActivities.Invoke(_connector.ServiceUrl, TestActivities.NewConversationId(), intruder, execute), _connector.MintToken());
        using var message = await _bot.PostActivityAsync(submit, _connector.MintToken());

        var body = JsonNode.Parse(await invoke.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Contains("no longer waiting", body["value"]!["body"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        await _connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        Assert.DoesNotContain(fixture.Api.Signals, s => s.CaseId == caseId);
    }
}
