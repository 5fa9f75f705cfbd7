using System.Net;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

public sealed class StartupTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ProductionWithoutAnAppIdRefusesToStartWithAClearMessage()
    {
        await using var api = await FakeOrdersApi.StartAsync();
        await using var connector = await FakeBotConnector.StartAsync();
        var settings = BotApp.Settings(connector, api, await postgres.NewDatabaseAsync());
        settings.Remove("Bot:AppId");
        settings.Remove("Bot:AppPassword");
        await using var bot = new BotApp(settings, environment: "Production");

        var error = Assert.ThrowsAny<Exception>(bot.StartServer);

        var messages = Flatten(error).Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains("Bot:AppId is not set", StringComparison.Ordinal)
            && m.Contains("'Production'", StringComparison.Ordinal) && m.Contains("refuses to start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DevelopmentWithoutAnAppIdAcceptsLoopbackCallersWithoutAToken()
    {
        await using var api = await FakeOrdersApi.StartAsync();
        await using var connector = await FakeBotConnector.StartAsync();
        var settings = BotApp.Settings(connector, api, await postgres.NewDatabaseAsync());
        settings.Remove("Bot:AppId");
        settings.Remove("Bot:AppPassword");
        await using var bot = new BotApp(settings, store: new InMemoryConversationStore());
        bot.StartServer();
        var conversationId = TestActivities.NewConversationId();

        using var response = await bot.PostActivityAsync(
            TestActivities.Message(connector.ServiceUrl, conversationId, TestActivities.NewUserId(), "help"), token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        Assert.Equal("", reply.Authorization);
        Assert.Equal(0, connector.TokenRequests);
    }

    [Fact]
    public async Task DevelopmentWithoutAnAppIdStillRefusesANonLoopbackServiceUrl()
    {
        await using var api = await FakeOrdersApi.StartAsync();
        await using var connector = await FakeBotConnector.StartAsync();
        var settings = BotApp.Settings(connector, api, await postgres.NewDatabaseAsync());
        settings.Remove("Bot:AppId");
        settings.Remove("Bot:AppPassword");
        await using var bot = new BotApp(settings, store: new InMemoryConversationStore());
        bot.StartServer();

        using var response = await bot.PostActivityAsync(
            TestActivities.Message("https://smba.trafficmanager.net/amer/", TestActivities.NewConversationId(), TestActivities.NewUserId(), "help"),
            token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
