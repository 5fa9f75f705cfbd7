using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OrderPlatform.Contracts;
using Aspire.Hosting;
using OrderPlatform.TeamsBot.Conversations;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>A real Postgres (a local process through Aspire.Hosting.Testing) with the <c>ordersdb</c> database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("ordersdb");
        _app = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["ordersdb"], ct);
        ConnectionString = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "ordersdb", ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

public sealed class PostgresConversationStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AReferenceIsStoredPerUserReplacedOnTheNextSaveAndBlockedUntilTheUserReturns()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        using var store = new PostgresConversationStore(dataSource);
        var ct = TestContext.Current.CancellationToken;
        var userId = TestActivities.NewUserId();
        var first = new ConversationReference("https://smba.trafficmanager.net/amer/", "msteams", "a:first", BotApp.TenantId, userId,
            "aad-1", $"28:{BotApp.AppId}", "de-DE");

        await store.SaveAsync(first, ct);
        Assert.Equal(new StoredConversation(first, null), await store.FindAsync(BotApp.TenantId, userId, ct));
        Assert.Null(await store.FindAsync("other-tenant", userId, ct));

        var second = first with { ConversationId = "a:second", Locale = null, UserAadObjectId = null };
        await store.SaveAsync(second, ct);
        Assert.Equal(second, (await store.FindAsync(BotApp.TenantId, userId, ct))?.Reference);

        await store.MarkBlockedAsync(BotApp.TenantId, userId, ct);
        Assert.NotNull((await store.FindAsync(BotApp.TenantId, userId, ct))?.BlockedAt);

        await store.SaveAsync(second, ct);
        Assert.Null((await store.FindAsync(BotApp.TenantId, userId, ct))?.BlockedAt);
    }

    [Fact]
    public async Task ReplicasStartingAtOnceOnAnEmptyDatabaseAllComeUpAndMigrateOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 3; round++)
        {
            var database = $"bot_replicas_{Guid.NewGuid():N}";
            await using (var admin = NpgsqlDataSource.Create(postgres.ConnectionString))
            {
                await using var create = admin.CreateCommand($"CREATE DATABASE \"{database}\"");
                await create.ExecuteNonQueryAsync(ct);
            }

            var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = database }.ConnectionString;
            var sources = Enumerable.Range(0, 6).Select(_ => NpgsqlDataSource.Create(connection)).ToList();
            try
            {
                var stores = sources.Select(source => new PostgresConversationStore(source)).ToList();
                await Task.WhenAll(stores.Select(store => store.FindAsync(BotApp.TenantId, "29:nobody", ct)));
                stores.ForEach(store => store.Dispose());

                await using var count = sources[0].CreateCommand("SELECT count(*) FROM teamsbot_schema_migrations");
                Assert.Equal(1L, await count.ExecuteScalarAsync(ct));
            }
            finally
            {
                foreach (var source in sources)
                {
                    await source.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task TheBotRemembersAChatInPostgresAndNotifiesItLater()
    {
        await using var connector = await FakeBotConnector.StartAsync();
        await using var api = await FakeOrdersApi.StartAsync();
        var settings = BotApp.Settings(connector, api);
        settings["ConnectionStrings:ordersdb"] = postgres.ConnectionString;
        await using var bot = new BotApp(settings);
        bot.StartServer();
        using (var health = await bot.CreateClient().GetAsync("/health", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var conversationId = TestActivities.NewConversationId();
        var userId = TestActivities.NewUserId();
        using (var hello = await bot.PostActivityAsync(TestActivities.Message(connector.ServiceUrl, conversationId, userId, "hi"), connector.MintToken()))
        {
            Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        }

        await connector.WaitForCallAsync(c => c.Path.Contains(conversationId));

        using var client = bot.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", BotApp.NotifyKey);
        using var response = await client.PostAsJsonAsync("/api/notify/case-pg",
            new NotifyRequest(NotifyKinds.Message, TenantId: BotApp.TenantId, UserId: userId, Message: "from postgres"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(connector.CallsFor(conversationId), c => c.Body?["text"]?.GetValue<string>() == "from postgres");
    }
}
