using System.Net;
using OrderPlatform.TeamsBot.Tests.Fakes;
using OrderPlatform.Tests;

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
        // The built bot in a process of its own, as an operator starts it: in-process, WebApplicationFactory sometimes
        // reported its own ObjectDisposedException (the failed host is disposed while the factory still waits on it)
        // instead of the bot's error.
        using var bot = ServiceProcess.Start("OrderPlatform.TeamsBot", settings, environment: "Production");

        var exitCode = await bot.ExitCodeAsync(timeoutSeconds: 60);

        Assert.True(exitCode != 0, $"exited with 0:{Environment.NewLine}{bot.Output}");
        Assert.True(bot.Output.Contains("Bot:AppId is not set", StringComparison.Ordinal) && bot.Output.Contains("'Production'", StringComparison.Ordinal)
            && bot.Output.Contains("refuses to start", StringComparison.Ordinal), bot.Output);
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
}
