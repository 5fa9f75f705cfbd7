using System.Net;
using System.Net.Http.Json;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Tests.Fakes;
using OrderPlatform.Tests;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>
/// With <c>InternalEndpoint:Port</c> set (the AppHost always sets it), the bot serves /api/notify and its health
/// endpoints on that port only; the public port, the one Container Apps and nginx expose, answers 404 for them.
/// </summary>
public sealed class InternalPortTests(PostgresFixture postgres)
{
    [Fact]
    public async Task NotifyAndHealthAnswerOnTheInternalPortOnly()
    {
        await using var api = await FakeOrdersApi.StartAsync();
        await using var connector = await FakeBotConnector.StartAsync();
        var internalPort = FreePorts.Next();
        await using var bot = new BotApp(BotApp.Settings(connector, api, await postgres.NewDatabaseAsync()),
            store: new InMemoryConversationStore(), internalPort: internalPort);
        bot.StartServer();
        Assert.NotEqual(internalPort, bot.BaseAddress.Port);
        using var publicClient = new HttpClient { BaseAddress = bot.BaseAddress };
        using var internalClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{internalPort}") };

        // The conversation is recorded through the public port, where Teams delivers activities.
        var conversationId = TestActivities.NewConversationId();
        var userId = TestActivities.NewUserId();
        using (var message = await bot.PostActivityAsync(TestActivities.Message(connector.ServiceUrl, conversationId, userId, "hello"), connector.MintToken()))
        {
            Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        }
        await connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        var request = new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "The order could not be read.");

        // Public port: as if /api/notify did not exist, even with the right key and a Host header naming the internal port.
        using var onPublic = new HttpRequestMessage(HttpMethod.Post, "/api/notify/case-internal-1") { Content = JsonContent.Create(request) };
        onPublic.Headers.Add("X-Api-Key", BotApp.NotifyKey);
        onPublic.Headers.Host = $"127.0.0.1:{internalPort}";
        using (var refused = await publicClient.SendAsync(onPublic, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
        Assert.DoesNotContain(connector.CallsFor(conversationId), c => c.Body?["text"]?.ToString().Contains("could not be read") == true);
        foreach (var path in new[] { "/health", "/alive" })
        {
            using var publicHealth = await publicClient.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, publicHealth.StatusCode);
            using var internalHealth = await internalClient.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, internalHealth.StatusCode);
        }

        // Internal port: the same request is authenticated and sent.
        using var noKey = await internalClient.PostAsJsonAsync("/api/notify/case-internal-1", request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using var onInternal = new HttpRequestMessage(HttpMethod.Post, "/api/notify/case-internal-1") { Content = JsonContent.Create(request) };
        onInternal.Headers.Add("X-Api-Key", BotApp.NotifyKey);
        using var sent = await internalClient.SendAsync(onInternal, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal(NotifyOutcomes.Sent, (await sent.Content.ReadFromJsonAsync<NotifyResult>(TestContext.Current.CancellationToken))?.Outcome);
        Assert.Contains(connector.CallsFor(conversationId), c => c.Body?["text"]?.ToString().Contains("could not be read") == true);
    }
}
