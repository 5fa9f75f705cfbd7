using System.Net;
using System.Net.Http.Json;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>The fakes and one bot host, shared by a test class; each test uses its own conversation and user ids.</summary>
public sealed class BotFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public FakeBotConnector Connector { get; private set; } = null!;
    public FakeFileHost Files { get; private set; } = null!;
    public FakeOrdersApi Api { get; private set; } = null!;
    public InMemoryConversationStore Store { get; } = new();
    public BotApp Bot { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Connector = await FakeBotConnector.StartAsync();
        Files = await FakeFileHost.StartAsync();
        Api = await FakeOrdersApi.StartAsync();
        Bot = new BotApp(BotApp.Settings(Connector, Api, await postgres.NewDatabaseAsync()), store: Store);
        Bot.StartServer();
    }

    public async ValueTask DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Api.DisposeAsync();
        await Files.DisposeAsync();
        await Connector.DisposeAsync();
    }

    /// <summary><c>POST /api/notify/{caseId}</c> with the notify key (or <paramref name="key"/>) and an optional idempotency key.</summary>
    public async Task<HttpResponseMessage> NotifyAsync(string caseId, NotifyRequest request, string? key = BotApp.NotifyKey, string? idempotencyKey = null)
    {
        using var client = Bot.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        if (idempotencyKey is not null)
        {
            client.DefaultRequestHeaders.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.PostAsJsonAsync($"/api/notify/{caseId}", request, TestContext.Current.CancellationToken);
    }

    /// <summary>A user says hello, so the bot records where to reach them (and answers, which the tests ignore).</summary>
    public async Task<(string ConversationId, string UserId)> RecordConversationAsync()
    {
        var conversationId = TestActivities.NewConversationId();
        var userId = TestActivities.NewUserId();
        var activity = TestActivities.Message(Connector.ServiceUrl, conversationId, userId, "hello");
        using var response = await Bot.PostActivityAsync(activity, Connector.MintToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        return (conversationId, userId);
    }
}
