using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Conversations;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>
/// Decides what an authenticated activity gets. Invokes are answered inline (the HTTP response is their result);
/// messages are queued and acknowledged at once, because the connector times out and retries slow bots.
/// </summary>
public sealed partial class ActivityRouter(
    ActivityQueue queue,
    CardActionHandler cardActions,
    IConversationStore conversations,
    IMemoryCache seen,
    ILogger<ActivityRouter> logger)
{
    private static readonly TimeSpan DedupeWindow = TimeSpan.FromMinutes(10);

    public async Task<Results<Ok, UnauthorizedHttpResult, BadRequest, StatusCodeHttpResult, JsonHttpResult<InvokeResponse>>> RouteAsync(
        Activity activity, CancellationToken cancellationToken)
    {
        switch (activity.Type)
        {
            case ActivityTypes.Invoke when activity.Name == ActivityTypes.AdaptiveCardAction:
                return await cardActions.HandleExecuteAsync(activity, cancellationToken) is { } response
                    ? TypedResults.Json(response, BotJson.Options)
                    : TypedResults.BadRequest();

            case ActivityTypes.Invoke:
                // As botbuilder does for invokes it has no handler for.
                return TypedResults.StatusCode(StatusCodes.Status501NotImplemented);

            case ActivityTypes.Message:
                var key = $"activity:{activity.Conversation?.Id}:{activity.Id}";
                if (!string.IsNullOrEmpty(activity.Id) && seen.TryGetValue(key, out _))
                {
                    return TypedResults.Ok();
                }

                if (!queue.TryEnqueue(activity))
                {
                    // Not marked as seen: the connector's retry of this 503 must be handled, not dropped as a duplicate.
                    LogQueueFull(logger);
                    return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }

                if (!string.IsNullOrEmpty(activity.Id))
                {
                    seen.Set(key, true, DedupeWindow);
                }

                return TypedResults.Ok();

            case ActivityTypes.ConversationUpdate or ActivityTypes.InstallationUpdate:
                await RememberOnInstallAsync(activity, cancellationToken);
                return TypedResults.Ok();

            default:
                return TypedResults.Ok();
        }
    }

    private async Task RememberOnInstallAsync(Activity activity, CancellationToken cancellationToken)
    {
        var installed = activity.Type == ActivityTypes.InstallationUpdate
            ? string.Equals(activity.Action, "add", StringComparison.OrdinalIgnoreCase)
            : activity.MembersAdded?.Any(m => m.Id is not null && m.Id == activity.Recipient?.Id) == true;
        if (installed && ConversationReferences.FromActivity(activity) is { } reference)
        {
            await conversations.SaveAsync(reference, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activity queue full; asking the connector to retry later")]
    private static partial void LogQueueFull(ILogger logger);
}

/// <summary>Body of an invoke response: the card that replaces the old one, a message, or an error.</summary>
public sealed record InvokeResponse(int StatusCode, string Type, object Value);

/// <summary>The personal-chat reference of an activity, or null when it lacks what a later send needs.</summary>
public static class ConversationReferences
{
    public static ConversationReference? FromActivity(Activity activity)
    {
        var conversationType = activity.Conversation?.ConversationType;
        if (activity.ServiceUrl is null || activity.Conversation?.Id is null || activity.From?.Id is null
            || activity.Recipient?.Id is null || activity.Conversation.IsGroup == true
            || (conversationType is not null && conversationType != "personal"))
        {
            return null;
        }

        return new ConversationReference(
            ServiceUrl: activity.ServiceUrl,
            ChannelId: activity.ChannelId ?? "msteams",
            ConversationId: activity.Conversation.Id,
            TenantId: activity.TenantId ?? "",
            UserId: activity.From.Id,
            UserAadObjectId: activity.From.AadObjectId,
            BotId: activity.Recipient.Id,
            Locale: activity.Locale,
            ActivityId: activity.Id);
    }
}
