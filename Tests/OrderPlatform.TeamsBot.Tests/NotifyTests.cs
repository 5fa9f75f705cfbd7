using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

public sealed class NotifyTests(BotFixture fixture) : IClassFixture<BotFixture>
{
    private readonly FakeBotConnector _connector = fixture.Connector;
    private readonly BotApp _bot = fixture.Bot;

    [Fact]
    public async Task CorrectionsAreSentAsAnAdaptiveCardToTheRecordedConversation()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        var request = new NotifyRequest(NotifyKinds.Corrections, TenantId: BotApp.TenantId, UserId: userId, UncertainFields:
        [
            new UncertainField("customer", "Customer", "ACME Gmbh", Reason: "two close matches", Choices: ["ACME GmbH", "ACME AG"]),
            new UncertainField("quantity", "Quantity", "12", RowNumber: 7),
        ]);

        using var response = await fixture.NotifyAsync("case-card-1", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<NotifyResult>(TestContext.Current.CancellationToken);
        Assert.Equal(NotifyOutcomes.Sent, result?.Outcome);
        var sent = _connector.CallsFor(conversationId).Single(c => c.Body?["attachments"] is not null);
        Assert.Equal($"/amer/v3/conversations/{conversationId}/activities", sent.Path);
        Assert.Equal($"Bearer {FakeBotConnector.OutboundToken}", sent.Authorization);
        var attachment = sent.Body!["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", card["type"]!.GetValue<string>());
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        var inputs = card["body"]!.AsArray().Where(e => e!["id"] is not null).ToList();
        Assert.Equal(["field:customer", "line:7:quantity"], inputs.Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal("Input.ChoiceSet", inputs[0]!["type"]!.GetValue<string>());
        Assert.Equal("12", inputs[1]!["value"]!.GetValue<string>());
        var action = card["actions"]![0]!;
        Assert.Equal("Action.Execute", action["type"]!.GetValue<string>());
        Assert.Equal("case-card-1", action["data"]!["caseId"]!.GetValue<string>());
        Assert.Equal("Action.Submit", action["fallback"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ACardShowingPartOfTheQuestionsSaysHowManyAreOpen()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        var request = new NotifyRequest(NotifyKinds.Corrections, TenantId: BotApp.TenantId, UserId: userId,
            UncertainFields: [new UncertainField("quantity", "Quantity", "12", RowNumber: 7), new UncertainField("sku", "SKU", "A-1", RowNumber: 8)],
            UncertainFieldTotal: 3000);

        using var response = await fixture.NotifyAsync("case-card-many", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = _connector.CallsFor(conversationId).Single(c => c.Body?["attachments"] is not null).Body!["attachments"]![0]!["content"]!;
        var texts = card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "TextBlock").Select(e => e!["text"]!.GetValue<string>());
        Assert.Contains("Showing 2 of 3,000 questions; the next ones follow once these are answered.", texts);
        Assert.Equal(2, card["body"]!.AsArray().Count(e => e!["id"] is not null));
    }

    [Fact]
    public async Task ADraftSummaryIsSentAsText()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        var request = new NotifyRequest(NotifyKinds.Draft, TenantId: BotApp.TenantId, UserId: userId,
            Draft: new DraftSummary("SO-00042", "ACME GmbH", 3, 1234.5m, "EUR"));

        using var response = await fixture.NotifyAsync("case-draft-1", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = _connector.CallsFor(conversationId).Last();
        Assert.Equal("Order case-draft-1 is ready: draft **SO-00042** for ACME GmbH, 3 lines, total 1,234.50 EUR.",
            sent.Body!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task ANotificationWithoutTheNotifyKeyIsRefused()
    {
        using var client = _bot.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/notify/case-x",
            new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: "29:x", Message: "hi"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnUnknownUserIs404()
    {
        using var response = await fixture.NotifyAsync("case-x", new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: "29:nobody", Message: "hi"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A429FromTheConnectorIsRetriedAndThenSucceeds()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        _connector.FailNext(429);

        using var response = await fixture.NotifyAsync("case-429", new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "done"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var attempts = _connector.CallsFor(conversationId).Where(c => c.Body?["text"]?.GetValue<string>() == "done").ToList();
        Assert.Equal(2, attempts.Count);
    }

    [Theory]
    [InlineData(412)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task OtherTransientConnectorAnswersAreRetriedToo(int status)
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        _connector.FailNext(status);
        _connector.FailNext(status);
        var text = $"after {status}";

        using var response = await fixture.NotifyAsync($"case-{status}", new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: text));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, _connector.CallsFor(conversationId).Count(c => c.Body?["text"]?.GetValue<string>() == text));
    }

    [Fact]
    public async Task RetryAfterIsHonoured()
    {
        var (_, userId) = await fixture.RecordConversationAsync();
        _connector.FailNext(429, retryAfterSeconds: 1);
        var started = DateTime.UtcNow;

        using var response = await fixture.NotifyAsync("case-retry-after", new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "patience"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task AConnectorThatKeepsFailingIsReportedAsABadGatewayAfterTheLastRetry()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        for (var i = 0; i < 5; i++)
        {
            _connector.FailNext(503);
        }

        using var response = await fixture.NotifyAsync("case-down", new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "lost"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(5, _connector.CallsFor(conversationId).Count(c => c.Body?["text"]?.GetValue<string>() == "lost"));
    }

    [Fact]
    public async Task MessageWritesBlockedIsPermanentAndRemembered()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        _connector.FailNext(403, """{"error":{"code":"ConversationBlockedByUser","message":"User blocked the conversation with the bot."},"errorCode":209,"subCode":"MessageWritesBlocked"}""");
        var request = new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "blocked?");

        using var response = await fixture.NotifyAsync("case-blocked", request);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<NotifyResult>(TestContext.Current.CancellationToken);
        Assert.Equal(new NotifyResult(NotifyOutcomes.Blocked, null, "MessageWritesBlocked"), result);
        Assert.Single(_connector.CallsFor(conversationId), c => c.Body?["text"]?.GetValue<string>() == "blocked?");
        var stored = await fixture.Store.FindAsync(BotApp.TenantId, userId, TestContext.Current.CancellationToken);
        Assert.NotNull(stored?.BlockedAt);

        using var again = await fixture.NotifyAsync("case-blocked", request);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Single(_connector.CallsFor(conversationId), c => c.Body?["text"]?.GetValue<string>() == "blocked?");
    }

    [Fact]
    public async Task AConversationNamedInTheRequestIsNeverUsedOnlyTheOneTheBotRecorded()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        var elsewhere = new ConversationReference("https://attacker.example.com/amer/", "msteams", "a:elsewhere", BotApp.TenantId,
            userId, null, $"28:{BotApp.AppId}");

        using var recorded = await fixture.NotifyAsync("case-elsewhere", new NotifyRequest(NotifyKinds.Message, elsewhere, Message: "where?"));
        using var unknown = await fixture.NotifyAsync("case-elsewhere", new NotifyRequest(NotifyKinds.Message,
            elsewhere with { UserId = TestActivities.NewUserId() }, Message: "where?"));

        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Single(_connector.CallsFor(conversationId), c => c.Body?["text"]?.GetValue<string>() == "where?");
        Assert.Empty(_connector.CallsFor("a:elsewhere"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task TheApiKeyIsNotANotifyKey()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        using var response = await fixture.NotifyAsync("case-k", new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId,
            Message: "with the wrong key"), BotApp.ApiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(_connector.CallsFor(conversationId), c => c.Body?["text"]?.GetValue<string>() == "with the wrong key");
    }

    [Fact]
    public async Task ALargeBodyIsRefusedUnreadWithoutTheKeyAndAs413WithIt()
    {
        var big = new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: "29:x", Message: new string('x', 200_000));

        using var anonymous = await fixture.NotifyAsync("case-big", big, key: null);
        using var keyed = await fixture.NotifyAsync("case-big", big);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, keyed.StatusCode);
    }

    [Fact]
    public async Task TheOutboundTokenIsFetchedOnceAndReused()
    {
        var (_, userId) = await fixture.RecordConversationAsync();
        using var first = await fixture.NotifyAsync("case-t1", new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "one"));
        using var second = await fixture.NotifyAsync("case-t2", new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "two"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, _connector.TokenRequests);
    }

    [Fact]
    public async Task AnIncompleteRequestIs400()
    {
        using var response = await fixture.NotifyAsync("case-x", new NotifyRequest(NotifyKinds.Corrections, TenantId: BotApp.TenantId, UserId: "29:x"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
