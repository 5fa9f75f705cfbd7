using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OrderPlatform.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using OrderPlatform.TeamsBot.Conversations;
using OrderPlatform.TeamsBot.Data;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

public sealed class PostgresConversationStoreTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AReferenceIsStoredPerUserReplacedOnTheNextSaveAndBlockedUntilTheUserReturns()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        using var schema = new BotSchema(dataSource, NullLogger<BotSchema>.Instance);
        var store = new PostgresConversationStore(schema);
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
            var connection = await postgres.NewDatabaseAsync("bot_replicas");
            var sources = Enumerable.Range(0, 6).Select(_ => NpgsqlDataSource.Create(connection)).ToList();
            var schemas = sources.Select(source => new BotSchema(source, NullLogger<BotSchema>.Instance)).ToList();
            try
            {
                var stores = schemas.Select(schema => new PostgresConversationStore(schema)).ToList();
                await Task.WhenAll(stores.Select(store => store.FindAsync(BotApp.TenantId, "29:nobody", ct)));

                await using var count = sources[0].CreateCommand($"SELECT count(*) FROM {BotSchema.HistoryTable}");
                Assert.Equal((long)BotSchema.Migrations.Count, await count.ExecuteScalarAsync(ct));
            }
            finally
            {
                schemas.ForEach(schema => schema.Dispose());
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
        var settings = BotApp.Settings(connector, api, await postgres.NewDatabaseAsync());
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
