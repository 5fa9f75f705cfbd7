using System.Text;
using OrderPlatform.TaskDispatcher.Backends;
using OrderPlatform.TaskDispatcher.Completion;
using OrderPlatform.TaskDispatcher.Dispatch;
using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>Pure rules: message decoding and validation, run names, retry delays, the webhook allow-list.</summary>
public sealed class MessageTests
{
    private const string Valid = """{"taskId":"inv-2291","taskType":"render-report","data":{"reportId":88},"timeoutSeconds":900}""";

    [Fact]
    public void AutoReadsRawJsonAndBase64Alike()
    {
        var raw = TaskMessageReader.Read(Encoding.UTF8.GetBytes(Valid), MessageEncoding.Auto);
        var base64 = TaskMessageReader.Read(Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(Valid))), MessageEncoding.Auto);

        Assert.Equal((raw.Message.TaskId, raw.Message.TaskType, raw.Message.TimeoutSeconds), ("inv-2291", "render-report", 900));
        Assert.Equal(Valid, raw.Json);
        Assert.Equal(Valid, base64.Json);
        Assert.Equal(88, base64.Message.Data.GetProperty("reportId").GetInt32());
    }

    [Fact]
    public void AnEncodingSetExplicitlyIsTheOnlyOneTried()
    {
        Assert.Throws<InvalidTaskMessageException>(() => TaskMessageReader.Read(Encoding.UTF8.GetBytes(Valid), MessageEncoding.Base64));
        var base64 = Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(Valid)));
        Assert.Throws<InvalidTaskMessageException>(() => TaskMessageReader.Read(base64, MessageEncoding.None));
    }

    [Theory]
    [InlineData("not json", "neither JSON nor base64")]
    [InlineData("{\"taskId\":\"a\",\"data\":{}}", "taskType is required")]
    [InlineData("{\"taskType\":\"echo\",\"data\":{}}", "taskId is required")]
    [InlineData("{\"taskId\":\"a\",\"taskType\":\"echo\"}", "data is required")]
    [InlineData("{\"taskId\":\"a\",\"taskType\":\"Echo!\",\"data\":{}}", "taskType must be")]
    [InlineData("{\"taskId\":\"a\",\"taskType\":\"echo\",\"data\":{},\"timeoutSeconds\":0}", "timeoutSeconds")]
    [InlineData("{\"taskId\":\"a\",\"taskType\":\"echo\",\"data\":{},\"webhookUrl\":\"file:///etc/passwd\"}", "webhookUrl")]
    [InlineData("[1,2]", "not a JSON object")]
    public void InvalidMessagesNameTheRuleTheyBreak(string text, string reason)
    {
        var error = Assert.Throws<InvalidTaskMessageException>(() => TaskMessageReader.Read(Encoding.UTF8.GetBytes(text), MessageEncoding.Auto));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMessageOver64KiBIsRefusedBeforeParsing()
    {
        var big = Encoding.UTF8.GetBytes($$"""{"taskId":"a","taskType":"echo","data":"{{new string('x', 70_000)}}"}""");
        Assert.Contains("larger than", Assert.Throws<InvalidTaskMessageException>(() => TaskMessageReader.Read(big, MessageEncoding.Auto)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme", "0f8fad5b-d9cb-469f-a165-70867728950e", "acme-0f8fad5bd9cb469fa16570867728950e")]
    [InlineData("Big_Client..Name", "0f8fad5b-d9cb-469f-a165-70867728950e", "big-client-name-0f8fad5bd9cb469fa16570867728950e")]
    public void RunNamesComeFromClientAndMessageId(string client, string messageId, string expected) =>
        Assert.Equal(expected, TaskNames.For(client, messageId));

    [Fact]
    public void LongClientNamesAreHashedWithinAciRules()
    {
        var name = TaskNames.For(new string('c', 60), "0f8fad5b-d9cb-469f-a165-70867728950e");
        Assert.True(name.Length <= 63, name);
        Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", name);
        Assert.EndsWith("-0f8fad5bd9cb469fa16570867728950e", name, StringComparison.Ordinal);
        Assert.Equal(name, TaskNames.For(new string('c', 60), "0f8fad5b-d9cb-469f-a165-70867728950e"));
        Assert.NotEqual(name, TaskNames.For(new string('c', 59) + "d", "0f8fad5b-d9cb-469f-a165-70867728950e"));
    }

    [Fact]
    public void RetryDelaysDoubleFromThirtySecondsUpToTheCap()
    {
        var options = new DispatcherOptions();
        Assert.Equal([30, 60, 120, 240], new long[] { 1, 2, 3, 4 }.Select(n => options.RetryDelay(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromHours(1), options.RetryDelay(20));
    }

    [Fact]
    public void WebhooksGoOnlyToAllowedOrigins()
    {
        var options = new WebhookOptions { AllowedOrigins = ["https://hooks.example.com"] };
        Assert.Equal(new Uri("https://hooks.example.com/a?b=1"), options.Resolve(new Uri("https://hooks.example.com/a?b=1")));
        Assert.Throws<UriFormatException>(() => options.Resolve(new Uri("https://hooks.example.com.evil.test/")));
        Assert.Throws<UriFormatException>(() => options.Resolve(new Uri("http://hooks.example.com/")));
        Assert.Throws<UriFormatException>(() => options.Resolve(new Uri("https://hooks.example.com:8443/")));
        Assert.Null(options.Resolve(null));
    }
}
