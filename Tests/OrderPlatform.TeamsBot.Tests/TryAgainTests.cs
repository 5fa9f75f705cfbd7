using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using OrderPlatform.TeamsBot.Activities;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>When the bot cannot do what it was asked, the user hears so, with a reference and no internal error text.</summary>
public sealed partial class TryAgainTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithPostgresStoppedAMessageGetsATryAgainReplyWithAReferenceNotSilence()
    {
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("ordersdb");
        var database = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["ordersdb"], Ct);
        await using var connector = await FakeBotConnector.StartAsync();
        await using var api = await FakeOrdersApi.StartAsync();
        await using var bot = new BotApp(BotApp.Settings(connector, api,
            await OrderPlatform.Tests.TestApps.ConnectionStringAsync(database, "ordersdb", Ct)));
        bot.StartServer();
        var before = await SendHelpAsync(bot, connector);
        Assert.Equal(MessageHandler.HelpText, before);

        await database.DisposeAsync();
        var during = await SendHelpAsync(bot, connector);

        AssertTryAgain(during);
    }

    [Fact]
    public async Task AnApiThatHangsPastTheHandlerTimeoutGetsATryAgainReply()
    {
        await using var connector = await FakeBotConnector.StartAsync();
        await using var api = await FakeOrdersApi.StartAsync();
        api.StatusDelay = TimeSpan.FromMinutes(5);
        var settings = BotApp.Settings(connector, api, await postgres.NewDatabaseAsync("bot_timeout"));
        settings["Bot:Activities:HandlerTimeout"] = "00:00:02";
        await using var bot = new BotApp(settings);
        bot.StartServer();

        var reply = await SendAsync(bot, connector, "status case-1234");

        AssertTryAgain(reply);
    }

    [Fact]
    public async Task AnUploadTheApiFailsIsAnsweredWithSendItAgainAndAReference()
    {
        await using var connector = await FakeBotConnector.StartAsync();
        await using var api = await FakeOrdersApi.StartAsync();
        await using var files = await FakeFileHost.StartAsync();
        api.UploadStatus = StatusCodes.Status503ServiceUnavailable;
        var settings = BotApp.Settings(connector, api, await postgres.NewDatabaseAsync("bot_upload"));
        await using var bot = new BotApp(settings);
        bot.StartServer();
        var conversation = TestActivities.NewConversationId();
        var url = files.Add("order.xlsx", TestActivities.ExcelBytes());

        using var response = await bot.PostActivityAsync(TestActivities.Message(connector.ServiceUrl, conversation, TestActivities.NewUserId(),
            attachments: [TestActivities.FileAttachment("order.xlsx", url, "xlsx")]), connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = (await connector.WaitForCallAsync(c => c.Path.Contains(conversation), TimeSpan.FromSeconds(60))).Body?["text"]?.GetValue<string>();
        Assert.Matches(@"^I couldn't hand order\.xlsx over to the order service just now\. Please send it again in a few minutes\. \(Reference: [0-9a-f]{12}\)$", reply);
    }

    private static void AssertTryAgain(string reply)
    {
        Assert.Matches(TryAgain(), reply);
        foreach (var leak in new[] { "Npgsql", "Exception", "127.0.0.1", "Socket", "timeout", "Polly" })
        {
            Assert.DoesNotContain(leak, reply, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static Task<string> SendHelpAsync(BotApp bot, FakeBotConnector connector) => SendAsync(bot, connector, "help");

    private static async Task<string> SendAsync(BotApp bot, FakeBotConnector connector, string text)
    {
        var conversation = TestActivities.NewConversationId();
        using var response = await bot.PostActivityAsync(
            TestActivities.Message(connector.ServiceUrl, conversation, TestActivities.NewUserId(), text), connector.MintToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await connector.WaitForCallAsync(c => c.Path.Contains(conversation), TimeSpan.FromSeconds(60));
        return reply.Body?["text"]?.GetValue<string>() ?? "";
    }

    [GeneratedRegex(@"^Sorry, I couldn't handle that just now\. Please try again in a few minutes\. \(Reference: [0-9a-f]{12}\)$")]
    private static partial Regex TryAgain();
}
