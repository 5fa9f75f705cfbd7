using System.Net;
using System.Net.Http.Json;
using OrderPlatform.Contracts;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>The Worker retries a notify whose answer it lost; the key makes the bot post it once (kept in Postgres).</summary>
public sealed class NotifyIdempotencyTests(BotFixture fixture) : IClassFixture<BotFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARepeatedNotifyWithTheSameKeySendsOneMessageAndAnswersTheFirstResultAgain()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        var request = new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "your order is done");
        var key = $"case-idem:message:run-1:{Guid.NewGuid():N}";

        var answers = new List<NotifyResult?>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var response = await fixture.NotifyAsync("case-idem", request, idempotencyKey: key);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadFromJsonAsync<NotifyResult>(Ct));
        }

        Assert.Single(fixture.Connector.CallsFor(conversationId), c => c.Body?["text"]?.GetValue<string>() == "your order is done");
        Assert.All(answers, a => Assert.Equal(answers[0], a));
        Assert.NotNull(answers[0]?.ActivityId);
    }

    [Fact]
    public async Task ConcurrentRepeatsSendOnceAndTheOthersAreToldToRetry()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        var request = new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "at once");
        var key = Guid.NewGuid().ToString("N");

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.NotifyAsync("case-idem-2", request, idempotencyKey: key)));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(fixture.Connector.CallsFor(conversationId), c => c.Body?["text"]?.GetValue<string>() == "at once");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ANewKeyOrAnotherCaseIsANewMessageAndAFailedSendCanBeRetried()
    {
        var (conversationId, userId) = await fixture.RecordConversationAsync();
        var request = new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "reminder");
        fixture.Connector.FailNext(403, """{"error":{"code":"BotNotInConversationRoster"}}""");

        using (var failed = await fixture.NotifyAsync("case-a", request, idempotencyKey: "k1"))
        {
            Assert.NotEqual(HttpStatusCode.OK, failed.StatusCode);
        }

        using (var retried = await fixture.NotifyAsync("case-a", request, idempotencyKey: "k1"))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        using (var next = await fixture.NotifyAsync("case-a", request, idempotencyKey: "k2"))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        using (var otherCase = await fixture.NotifyAsync("case-b", request, idempotencyKey: "k1"))
        {
            Assert.Equal(HttpStatusCode.OK, otherCase.StatusCode);
        }

        Assert.Equal(4, fixture.Connector.CallsFor(conversationId).Count(c => c.Body?["text"]?.GetValue<string>() == "reminder"));
    }

    [Fact]
    public async Task AnOverlongKeyIsRefused()
    {
        var (_, userId) = await fixture.RecordConversationAsync();
        var request = new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "x");

        using var response = await fixture.NotifyAsync("case-long", request, idempotencyKey: new string('k', 201));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
