using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using OrderPlatform.Worker.Committee;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Committee;

public sealed class LlmMemberTests
{
    private const string Key = "sk-test-secret-0123456789";

    /// <summary>Follows the OpenAI chat completions API: bearer auth, messages in, choices[0].message.content out.</summary>
    private static Task<FakeServer> StartFakeOpenAiAsync(List<JsonNode> requests, Func<JsonNode, string> answer) =>
        FakeServer.StartAsync(app => app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            if (context.Request.Headers.Authorization.ToString() != $"Bearer {Key}")
            {
                return Results.Json(new { error = new { message = "Incorrect API key provided", type = "invalid_request_error" } }, statusCode: 401);
            }

            var body = (await JsonNode.ParseAsync(context.Request.Body))!;
            lock (requests)
            {
                requests.Add(body);
            }

            return Results.Json(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = body["model"]!.GetValue<string>(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content = answer(body) }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
            });
        }));

    private static XlsxBuilder UnknownWords()
    {
        var book = new XlsxBuilder();
        book.Sheet("Objednávka").Row(1, "Zákazník", "Stavebniny Novák")
            .Row(3, "Kód", "Popis zboží", "Množství", "Cena")
            .Row(4, "KB-100", "Kabelové příchytky", 40, 0.12).Row(5, "KB-200", "Hmoždinky 8 mm", 15, 0.3);
        return book;
    }

    [Fact]
    public void TheConnectionStringIsParsedAndItsKeyNeverPrinted()
    {
        var connection = LlmConnection.Parse($"Endpoint=https://llm.example/v1;Key={Key};Model=gpt-4o-mini")!;

        Assert.Equal(new Uri("https://llm.example/v1"), connection.Endpoint);
        Assert.Equal("gpt-4o-mini", connection.Model);
        Assert.DoesNotContain(Key, connection.ToString(), StringComparison.Ordinal);
        Assert.Null(LlmConnection.Parse(null));
    }

    [Fact]
    public async Task TheLlmMapsColumnsInALanguageTheSynonymsDoNotKnow()
    {
        var requests = new List<JsonNode>();
        await using var server = await StartFakeOpenAiAsync(requests,
            _ => """{"columns":{"code":"A","description":"B","quantity":"C","price":"D"},"header":{"customer":"Stavebniny Novák"}}""");
        using var http = new HttpClient();
        var member = new LlmMember(http, LlmConnection.Parse($"Endpoint={server.Address}v1;Key={Key};Model=test-model")!,
            NullLogger<LlmMember>.Instance);

        var review = await CommitteeHarness.RunAsync(UnknownWords(), extra: member);

        Assert.Equal("test-model", Assert.Single(requests)["model"]!.GetValue<string>());
        Assert.Contains("Kabelové příchytky", requests[0]["messages"]![1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("C", review.ColumnMap[OrderFields.Quantity]);
        Assert.Contains("llm", review.Field(OrderFields.Quantity).Supporters);
        Assert.Equal([40m, 15m], review.Order.Lines.Select(l => l.Quantity));
        Assert.Equal("Stavebniny Novák", review.Order.Customer);
    }

    [Fact]
    public async Task AFailingLlmAbstainsAndTheCommitteeStillDecides()
    {
        await using var server = await StartFakeOpenAiAsync([], _ => "not json at all");
        using var http = new HttpClient();
        var wrongKey = new LlmMember(http, LlmConnection.Parse($"Endpoint={server.Address}v1;Key=wrong;Model=m")!, NullLogger<LlmMember>.Instance);
        var badAnswer = new LlmMember(http, LlmConnection.Parse($"Endpoint={server.Address}v1;Key={Key};Model=m")!, NullLogger<LlmMember>.Instance);
        var input = new CommitteeInput(Parsing.ParserHarness.Parse(UnknownWords()));

        Assert.Null(await wrongKey.ProposeAsync(input, TestContext.Current.CancellationToken));
        Assert.Null(await badAnswer.ProposeAsync(input, TestContext.Current.CancellationToken));
        var review = await CommitteeHarness.RunAsync(UnknownWords(), extra: badAnswer);
        Assert.DoesNotContain("llm", review.Fields.SelectMany(f => f.Supporters));
        Assert.Equal(2, review.Order.Lines.Count);
    }
}
