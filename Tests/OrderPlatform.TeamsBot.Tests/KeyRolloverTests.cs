using System.Net;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>Own bot host: the metadata refresh on an unknown key must not be used up by other tests.</summary>
public sealed class KeyRolloverTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FakeBotConnector _connector = null!;
    private FakeOrdersApi _api = null!;
    private BotApp _bot = null!;

    public async ValueTask InitializeAsync()
    {
        _connector = await FakeBotConnector.StartAsync();
        _api = await FakeOrdersApi.StartAsync();
        _bot = new BotApp(BotApp.Settings(_connector, _api, await postgres.NewDatabaseAsync()), store: new InMemoryConversationStore());
        _bot.StartServer();
    }

    public async ValueTask DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _api.DisposeAsync();
        await _connector.DisposeAsync();
    }

    [Fact]
    public async Task AKeyPublishedAfterTheFirstFetchIsPickedUpByRefreshingTheMetadata()
    {
        var first = TestActivities.Message(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), "help");
        using (var warmUp = await _bot.PostActivityAsync(first, _connector.MintToken()))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        var rolledKey = _connector.AddKey("rolled-key", "msteams");
        var second = TestActivities.Message(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), "help");

        using var response = await _bot.PostActivityAsync(second, _connector.MintToken(key: rolledKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
