using System.Globalization;
using System.Text;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Activities;
using OrderPlatform.TeamsBot.Cards;
using OrderPlatform.TeamsBot.Connector;
using OrderPlatform.TeamsBot.Conversations;

namespace OrderPlatform.TeamsBot.Notify;

/// <summary>How a notify ended; <see cref="InProgress"/> means another request with the same idempotency key is sending it.</summary>
public sealed record NotifyOutcome(NotifyResult? Result, bool NoConversation = false, bool InProgress = false);

/// <summary>
/// Sends a case's result to the chat the bot recorded for (tenant, user) and records a block so later sends fail fast.
/// A conversation reference in the request only names the tenant and user.
/// </summary>
public sealed partial class NotificationSender(
    IConversationStore conversations,
    ConnectorClient connector,
    ILogger<NotificationSender> logger)
{
    public async Task<NotifyOutcome> SendAsync(string caseId, NotifyRequest request, CancellationToken cancellationToken)
    {
        var tenantId = request.Conversation?.TenantId ?? request.TenantId!;
        var userId = request.Conversation?.UserId ?? request.UserId!;
        var stored = await conversations.FindAsync(tenantId, userId, cancellationToken);
        if (stored?.BlockedAt is not null)
        {
            return Blocked();
        }

        // Only where the user last talked to the bot: a conversation (and its serviceUrl) named in the request would let
        // whoever holds the notify key post into any chat, with the bot's token sent to the host it names.
        var conversation = stored?.Reference;
        if (conversation is null)
        {
            return new NotifyOutcome(null, NoConversation: true);
        }

        // A card that may be updated later goes out as its own activity: Teams can split text plus card and drop the id.
        var activity = request.Kind switch
        {
            NotifyKinds.Corrections => new OutgoingActivity(ActivityTypes.Message,
                Attachments: [CorrectionCards.Corrections(caseId, request.UncertainFields!, request.UncertainFieldTotal)]),
            NotifyKinds.Draft => new OutgoingActivity(ActivityTypes.Message, Summary(caseId, request.Draft!), TextFormat: "markdown"),
            _ => new OutgoingActivity(ActivityTypes.Message, request.Message, TextFormat: "markdown"),
        };

        ConnectorResult result;
        try
        {
            result = await connector.SendAsync(conversation.ServiceUrl, conversation.ConversationId, activity, cancellationToken);
        }
        catch (BotTokenException ex)
        {
            LogTokenFailed(logger, ex.Message);
            return new NotifyOutcome(null);
        }

        if (result.Blocked)
        {
            await conversations.MarkBlockedAsync(tenantId, userId, cancellationToken);
            return Blocked();
        }

        LogSent(logger, caseId, request.Kind, result.Succeeded);
        return result.Succeeded ? new NotifyOutcome(new NotifyResult(NotifyOutcomes.Sent, result.ActivityId)) : new NotifyOutcome(null);
    }

    private static NotifyOutcome Blocked() => new(new NotifyResult(NotifyOutcomes.Blocked, ErrorCode: "MessageWritesBlocked"));

    private static string Summary(string caseId, DraftSummary draft)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Order {caseId} is ready: draft **{draft.DraftNumber ?? "(no number)"}**");
        if (draft.Customer is { Length: > 0 } customer)
        {
            text.Append(CultureInfo.InvariantCulture, $" for {customer}");
        }

        text.Append(CultureInfo.InvariantCulture, $", {draft.LineCount} line{(draft.LineCount == 1 ? "" : "s")}");
        if (draft.Total is { } total)
        {
            text.Append(CultureInfo.InvariantCulture, $", total {total:N2}");
            if (draft.Currency is { Length: > 0 } currency)
            {
                text.Append(' ').Append(currency);
            }
        }

        text.Append('.');
        if (draft.Url is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            text.Append(CultureInfo.InvariantCulture, $" [Open the draft]({url})");
        }

        return text.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Kind} for case {CaseId} sent: {Succeeded}")]
    private static partial void LogSent(ILogger logger, string caseId, string kind, bool succeeded);

    [LoggerMessage(Level = LogLevel.Error, Message = "No outbound token: {Reason}")]
    private static partial void LogTokenFailed(ILogger logger, string reason);
}
