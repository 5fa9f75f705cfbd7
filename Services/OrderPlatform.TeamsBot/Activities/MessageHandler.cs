using System.Text.Json;
using System.Text.RegularExpressions;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Cards;
using OrderPlatform.TeamsBot.Connector;
using OrderPlatform.TeamsBot.Conversations;
using OrderPlatform.TeamsBot.Files;
using OrderPlatform.TeamsBot.Orders;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>
/// What the bot does with a message once acknowledged: take an order file, answer <c>status</c> and <c>help</c>,
/// or treat an <c>Action.Submit</c> from an older client like the Execute invoke.
/// </summary>
public sealed partial class MessageHandler(
    OrderFileDownloader downloader,
    OrdersClient orders,
    ConnectorClient connector,
    IConversationStore conversations,
    ILogger<MessageHandler> logger)
{
    public const string HelpText =
        "Send me a customer's order as an Excel file (.xlsx, .xlsm, .xls or .csv) in this chat and I'll turn it into a " +
        "draft sales order. Commands: **status &lt;case id&gt;** shows where an order is; **help** shows this text.";

    public async Task HandleAsync(Activity activity, CancellationToken cancellationToken)
    {
        var reference = ConversationReferences.FromActivity(activity);
        if (reference is not null)
        {
            await conversations.SaveAsync(reference, cancellationToken);
        }

        if (OrderFileDownloader.FindFile(activity) is { } file)
        {
            await (reference is null
                ? ReplyAsync(activity, "Files only reach me in a 1:1 chat: please send the order to me directly.", cancellationToken)
                : TakeOrderAsync(activity, reference, file, cancellationToken));
            return;
        }

        if (activity.Value is { ValueKind: JsonValueKind.Object } value && string.IsNullOrWhiteSpace(activity.Text))
        {
            await SubmitCorrectionsAsync(activity, value, cancellationToken);
            return;
        }

        await AnswerTextAsync(activity, cancellationToken);
    }

    private async Task TakeOrderAsync(Activity activity, ConversationReference reference, Attachment file, CancellationToken cancellationToken)
    {
        var download = await downloader.DownloadAsync(file, cancellationToken);
        await using var content = download.Content;
        if (download.Outcome != DownloadOutcome.Ok || content is null)
        {
            await ReplyAsync(activity, Explain(download), cancellationToken);
            return;
        }

        OrderAccepted accepted;
        try
        {
            // The message id keys the order, so a connector retry of the same message cannot create a second case.
            accepted = await orders.CreateOrderAsync(
                content, download.FileName, reference, $"teams:{reference.ConversationId}:{activity.Id}", cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            var failure = TryAgainReplies.NewReference();
            LogApiFailed(logger, ex.StatusCode is { } code ? (int)code : 0, failure);
            await ReplyAsync(activity, $"I couldn't hand {download.FileName} over to the order service just now. " +
                $"Please send it again in a few minutes. (Reference: {failure})", cancellationToken);
            return;
        }

        LogOrderCreated(logger, accepted.CaseId);
        await ReplyAsync(activity,
            $"Received order {download.FileName} (case {accepted.CaseId}) — I'll get back to you.", cancellationToken);
    }

    private async Task SubmitCorrectionsAsync(Activity activity, JsonElement value, CancellationToken cancellationToken)
    {
        var (caseId, payload) = CorrectionCards.ReadAnswers(value);
        if (caseId is null)
        {
            await ReplyAsync(activity, "I could not tell which order these answers belong to.", cancellationToken);
            return;
        }

        var signal = new SignalRequest(SignalNames.Corrections, activity.From?.Id, payload, RequestId: activity.Id);
        var accepted = await orders.SignalOwnAsync(caseId, activity.TenantId, signal, cancellationToken);
        var card = accepted ? CorrectionCards.Confirmation(caseId) : CorrectionCards.Notice($"Order {caseId} is no longer waiting for corrections.");
        var update = new OutgoingActivity(ActivityTypes.Message, Attachments: [card]);
        if (activity.ReplyToId is { Length: > 0 } cardId && activity.ServiceUrl is { } serviceUrl && activity.Conversation?.Id is { } conversationId)
        {
            await connector.UpdateAsync(serviceUrl, conversationId, cardId, update, cancellationToken);
        }
        else
        {
            await SendAsync(activity, update with { ReplyToId = activity.Id }, cancellationToken);
        }
    }

    private async Task AnswerTextAsync(Activity activity, CancellationToken cancellationToken)
    {
        var words = StripMentions(activity.Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var command = words.FirstOrDefault()?.ToLowerInvariant();
        var answer = command switch
        {
            "help" or "?" => HelpText,
            "status" when words.Length > 1 => await DescribeAsync(activity, words[1], cancellationToken),
            "status" => "Which order? Type **status** followed by the case id.",
            _ => "Send me an order as an Excel file, or type **help**.",
        };
        await ReplyAsync(activity, answer, cancellationToken);
    }

    private async Task<string> DescribeAsync(Activity activity, string caseId, CancellationToken cancellationToken) =>
        await orders.GetOwnStatusAsync(caseId, activity.TenantId, activity.From?.Id, cancellationToken) is { } status
            ? $"Order {status.CaseId}: {status.Status}."
            : $"I don't know an order with case id {caseId}.";

    private static string Explain(DownloadResult download) => download.Outcome switch
    {
        DownloadOutcome.NotAnOrderFile =>
            $"Sorry, {download.FileName} doesn't look like an Excel order. I can read .xlsx, .xlsm, .xls and .csv files.",
        DownloadOutcome.TooLarge => $"Sorry, {download.FileName} is too large for me. Please send a smaller file.",
        DownloadOutcome.SharingLink =>
            $"I received a sharing link instead of the file {download.FileName} (this happens when sharing from a phone). " +
            "Please send the file itself from Teams on a computer.",
        DownloadOutcome.UntrustedHost => $"I can only accept files uploaded to this chat; {download.FileName} came from elsewhere.",
        _ => $"I couldn't download {download.FileName}. Please try sending it again.",
    };

    private Task ReplyAsync(Activity activity, string text, CancellationToken cancellationToken) =>
        SendAsync(activity, new OutgoingActivity(ActivityTypes.Message, text, ReplyToId: activity.Id, TextFormat: "markdown"), cancellationToken);

    private async Task SendAsync(Activity activity, OutgoingActivity outgoing, CancellationToken cancellationToken)
    {
        if (activity.ServiceUrl is null || activity.Conversation?.Id is null)
        {
            return;
        }

        var result = await connector.SendAsync(activity.ServiceUrl, activity.Conversation.Id, outgoing, cancellationToken);
        if (result.Blocked && activity.From?.Id is { } userId)
        {
            await conversations.MarkBlockedAsync(activity.TenantId ?? "", userId, cancellationToken);
        }
    }

    /// <summary>Removes <c>&lt;at&gt;Bot&lt;/at&gt;</c> mentions, which Teams inlines in the text outside 1:1 chats.</summary>
    private static string StripMentions(string text) => MentionPattern().Replace(text, " ").Trim();

    [GeneratedRegex("<at>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 100)]
    private static partial Regex MentionPattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Api refused or failed the order upload ({Status}; reference {Reference})")]
    private static partial void LogApiFailed(ILogger logger, int status, string reference);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order file accepted as case {CaseId}")]
    private static partial void LogOrderCreated(ILogger logger, string caseId);
}
