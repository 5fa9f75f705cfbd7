using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>The fakes and one bot host, shared by a test class; each test uses its own conversation and user ids.</summary>
public sealed class BotFixture : IAsyncLifetime
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
        Bot = new BotApp(BotApp.Settings(Connector, Api), store: Store);
        Bot.StartServer();
    }

    public async ValueTask DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Api.DisposeAsync();
        await Files.DisposeAsync();
        await Connector.DisposeAsync();
    }
}
