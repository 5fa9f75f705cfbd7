using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using OrderPlatform.TeamsBot.Activities;
using OrderPlatform.TeamsBot.Tests.Fakes;
using OrderPlatform.Tests;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>An acknowledged message is in Postgres before the 200, so neither a crash nor a deploy loses it.</summary>
public sealed class DurableActivityTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MessagesQueuedWhenTheBotProcessIsKilledAreAllAnsweredAfterARestart()
    {
        await using var connector = await FakeBotConnector.StartAsync();
        await using var api = await FakeOrdersApi.StartAsync();
        var ordersDb = await postgres.NewDatabaseAsync("bot_crash");
        var settings = BotApp.Settings(connector, api, ordersDb);
        settings["Bot:Activities:Lease"] = "00:00:03";
        settings["Bot:Activities:Parallelism"] = "2";
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var conversations = Enumerable.Range(0, 6).Select(_ => TestActivities.NewConversationId()).ToList();

        connector.Hold();
        using (var first = ServiceProcess.Start("OrderPlatform.TeamsBot", settings, "Development", url))
        {
            await WaitHealthyAsync(url, first);
            foreach (var conversation in conversations)
            {
                var message = TestActivities.Message(connector.ServiceUrl, conversation, TestActivities.NewUserId(), "help");
                using var response = await PostAsync(url, message, connector.MintToken());
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // Two are being answered (the connector stalls them), four wait in the queue: now the process dies.
            await Eventually.HoldsAsync(() => connector.Held >= 2, () => $"two replies under way; bot output:\n{first.Output}");
            await first.KillAsync();
        }

        Assert.Equal(6L, await PendingAsync(ordersDb));
        connector.Release();
        Assert.Empty(connector.Calls);

        using var second = ServiceProcess.Start("OrderPlatform.TeamsBot", settings, "Development", url);
        await Eventually.HoldsAsync(() => conversations.All(c => connector.CallsFor(c).Count > 0),
            () => $"a reply in each of the six chats; bot output:\n{second.Output}", timeoutSeconds: 90);
        foreach (var conversation in conversations)
        {
            Assert.Contains(connector.CallsFor(conversation), c => c.Body?["text"]?.GetValue<string>() == MessageHandler.HelpText);
        }

        await Eventually.HoldsAsync(async () => await PendingAsync(ordersDb) == 0, () => "every activity marked done");
    }

    [Fact]
    public async Task AGracefulStopFinishesTheMessagesInHandBeforeTheHostEnds()
    {
        await using var connector = await FakeBotConnector.StartAsync();
        await using var api = await FakeOrdersApi.StartAsync();
        var ordersDb = await postgres.NewDatabaseAsync("bot_drain");
        var bot = new BotApp(BotApp.Settings(connector, api, ordersDb));
        bot.StartServer();
        var conversations = Enumerable.Range(0, 3).Select(_ => TestActivities.NewConversationId()).ToList();
        connector.Hold();
        foreach (var conversation in conversations)
        {
            using var response = await bot.PostActivityAsync(
                TestActivities.Message(connector.ServiceUrl, conversation, TestActivities.NewUserId(), "help"), connector.MintToken());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.HoldsAsync(() => connector.Held >= 3, () => "three replies under way");
        var stopping = bot.DisposeAsync().AsTask();
        await Task.Delay(500, Ct);
        Assert.False(stopping.IsCompleted, "the host waits for the replies in hand");
        connector.Release();
        await stopping.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.All(conversations, c => Assert.Single(connector.CallsFor(c)));
        Assert.Equal(0L, await PendingAsync(ordersDb));
    }

    private static async Task<long> PendingAsync(string ordersDb)
    {
        await using var source = NpgsqlDataSource.Create(ordersDb);
        await using var count = source.CreateCommand("SELECT count(*) FROM teamsbot_activities WHERE done_at IS NULL");
        return (long)(await count.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<HttpResponseMessage> PostAsync(string url, JsonNode activity, string token)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, Ct);
    }

    private static async Task WaitHealthyAsync(string url, ServiceProcess process)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                using var health = await http.GetAsync("/health", Ct);
                return health.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, () => $"the bot process healthy; output:\n{process.Output}", timeoutSeconds: 90);
    }
}
