using System.Net;
using System.Text.Json.Nodes;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

public sealed class FileIntakeTests(BotFixture fixture) : IClassFixture<BotFixture>
{
    private readonly FakeBotConnector _connector = fixture.Connector;
    private readonly BotApp _bot = fixture.Bot;

    [Fact]
    public async Task AnExcelFileBecomesACaseInTheApiAndTheUserIsToldItsId()
    {
        var conversationId = TestActivities.NewConversationId();
        var userId = TestActivities.NewUserId();
        var bytes = TestActivities.ExcelBytes();
        var url = fixture.Files.Add("acme order.xlsx", bytes);
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, userId,
            attachments: [TestActivities.FileAttachment("acme order.xlsx", url, "xlsx"), TestActivities.HtmlMirror()]);

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await _connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        var order = Assert.Single(fixture.Api.Orders, o => o.UserId == userId);
        Assert.Equal(bytes, order.Bytes);
        Assert.Equal("acme order.xlsx", order.FileName);
        Assert.Equal(BotApp.TenantId, order.TenantId);
        Assert.Equal($"teams:{conversationId}:{activity["id"]}", order.IdempotencyKey);
        Assert.NotNull(order.Conversation);
        Assert.Equal(_connector.ServiceUrl, order.Conversation.ServiceUrl);
        Assert.Equal(conversationId, order.Conversation.ConversationId);
        Assert.Equal($"28:{BotApp.AppId}", order.Conversation.BotId);
        Assert.Equal($"/amer/v3/conversations/{conversationId}/activities/{activity["id"]}", reply.Path);
        var text = reply.Body!["text"]!.GetValue<string>();
        Assert.Contains("Received order acme order.xlsx", text);
        Assert.Contains(order.CaseId, text);
        Assert.Contains("get back to you", text);
        Assert.Contains(fixture.Files.Downloads, d => url.Contains(Uri.EscapeDataString(d.Name), StringComparison.Ordinal) && d.Authorization is null);
        Assert.NotNull(await fixture.Store.FindAsync(BotApp.TenantId, userId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ANonExcelFileGetsAPoliteExplanationAndNoCase()
    {
        var reply = await SendFileAsync("notes.docx", fixture.Files.Add("notes.docx", [1, 2, 3]), "docx");

        Assert.Contains("doesn't look like an Excel order", reply);
    }

    [Fact]
    public async Task AFileNamedXlsxThatIsNotAWorkbookIsRefused()
    {
        var reply = await SendFileAsync("fake.xlsx", fixture.Files.Add("fake.xlsx", "just text"u8.ToArray()), "xlsx");

        Assert.Contains("doesn't look like an Excel order", reply);
    }

    [Fact]
    public async Task AnOversizeFileIsRefusedWithoutReachingTheApi()
    {
        var reply = await SendFileAsync("huge.xlsx", fixture.Files.Add("huge.xlsx", TestActivities.ExcelBytes(200_000)), "xlsx");

        Assert.Contains("too large", reply);
    }

    [Fact]
    public async Task AnHtmlSharingLinkIsExplained()
    {
        var html = "<!DOCTYPE html><html><body>Sign in</body></html>"u8.ToArray();
        var reply = await SendFileAsync("order.xlsx", fixture.Files.Add("order.xlsx", html, "text/html"), "xlsx");

        Assert.Contains("sharing link", reply);
    }

    [Fact]
    public async Task ADownloadUrlOutsideSharePointIsNeverFetched()
    {
        var before = fixture.Files.Downloads.Count;

        var reply = await SendFileAsync("order.xlsx", "https://attacker.example.com/order.xlsx", "xlsx");

        Assert.Contains("came from elsewhere", reply);
        Assert.Equal(before, fixture.Files.Downloads.Count);
    }

    [Fact]
    public async Task AFileInAGroupChatIsRedirectedToThePersonalChat()
    {
        var conversationId = $"19:{Guid.NewGuid():N}@thread.v2";
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, TestActivities.NewUserId(),
            attachments: new JsonArray(TestActivities.FileAttachment("group.xlsx", fixture.Files.Add("group.xlsx", TestActivities.ExcelBytes()), "xlsx")));
        activity["conversation"]!["conversationType"] = "groupChat";
        activity["conversation"]!["isGroup"] = true;

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await _connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        Assert.Contains("1:1 chat", reply.Body!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task StatusAsksTheApiForTheCase()
    {
        var userId = TestActivities.NewUserId();
        var first = await SendFileAsync("status.xlsx", fixture.Files.Add("status.xlsx", TestActivities.ExcelBytes()), "xlsx", userId);
        var caseId = fixture.Api.Orders.Single(o => first.Contains(o.CaseId, StringComparison.Ordinal)).CaseId;

        var reply = await SendTextAsync($"status {caseId}", userId);

        Assert.Equal($"Order {caseId}: AwaitingCorrections.", reply);
    }

    [Fact]
    public async Task StatusOfAnotherUsersCaseReadsAsUnknown()
    {
        var first = await SendFileAsync("theirs.xlsx", fixture.Files.Add("theirs.xlsx", TestActivities.ExcelBytes()), "xlsx");
        var caseId = fixture.Api.Orders.Single(o => first.Contains(o.CaseId, StringComparison.Ordinal)).CaseId;

        var reply = await SendTextAsync($"status {caseId}");

        Assert.Equal($"I don't know an order with case id {caseId}.", reply);
    }

    [Fact]
    public async Task StatusOfAnUnknownCaseSaysSo()
    {
        Assert.Contains("don't know an order", await SendTextAsync("status case-nope"));
    }

    [Fact]
    public async Task HelpExplainsWhatTheBotDoes()
    {
        var reply = await SendTextAsync("<at>OrderBot</at> help");

        Assert.Contains("status", reply);
        Assert.Contains("Excel", reply);
    }

    private async Task<string> SendTextAsync(string text, string? userId = null)
    {
        var conversationId = TestActivities.NewConversationId();
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, userId ?? TestActivities.NewUserId(), text);
        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await _connector.WaitForCallAsync(c => c.Path.Contains(conversationId))).Body!["text"]!.GetValue<string>();
    }

    private async Task<string> SendFileAsync(string name, string url, string fileType, string? user = null)
    {
        var conversationId = TestActivities.NewConversationId();
        var userId = user ?? TestActivities.NewUserId();
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, userId,
            attachments: new JsonArray(TestActivities.FileAttachment(name, url, fileType)));
        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = (await _connector.WaitForCallAsync(c => c.Path.Contains(conversationId))).Body!["text"]!.GetValue<string>();
        if (!text.Contains("Received order", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(fixture.Api.Orders, o => o.UserId == userId);
        }

        return text;
    }
}
