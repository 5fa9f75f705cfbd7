using System.Net;
using System.Text.Json.Nodes;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

public sealed class ActivityParsingTests(BotFixture fixture) : IClassFixture<BotFixture>
{
    private readonly FakeBotConnector _connector = fixture.Connector;
    private readonly BotApp _bot = fixture.Bot;

    [Fact]
    public async Task AnUnknownActivityTypeIsAcceptedAndIgnored()
    {
        var conversationId = TestActivities.NewConversationId();
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, TestActivities.NewUserId());
        activity["type"] = "somethingTeamsInventsNextYear";

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(_connector.CallsFor(conversationId));
    }

    [Fact]
    public async Task OddlyTypedKnownFieldsDoNotCauseAServerError()
    {
        var activity = TestActivities.Message(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), "help");
        activity["timestamp"] = "not a date";
        activity["value"] = new JsonArray(1, 2);
        activity["entities"] = "a string where an array was expected";
        activity["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "application/vnd.new.thing", ["content"] = 5 });

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnUnhandledInvokeIs501()
    {
        var activity = TestActivities.Invoke(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), null);
        activity["name"] = "composeExtension/query";

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    [Fact]
    public async Task TheBotBeingAddedStoresTheConversationReference()
    {
        var userId = TestActivities.NewUserId();
        var activity = TestActivities.Message(_connector.ServiceUrl, TestActivities.NewConversationId(), userId);
        activity["type"] = "conversationUpdate";
        activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = $"28:{BotApp.AppId}" });

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await fixture.Store.FindAsync(BotApp.TenantId, userId, TestContext.Current.CancellationToken);
        Assert.Equal(_connector.ServiceUrl, stored?.Reference.ServiceUrl);
    }

    [Fact]
    public async Task ARetriedMessageIsHandledOnce()
    {
        var conversationId = TestActivities.NewConversationId();
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, TestActivities.NewUserId(), "help");

        using (var first = await _bot.PostActivityAsync(activity, _connector.MintToken()))
        using (var second = await _bot.PostActivityAsync(activity, _connector.MintToken()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        await _connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Single(_connector.CallsFor(conversationId));
    }
}
