using Microsoft.AspNetCore.Http.HttpResults;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Conversations;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>
/// Decides what an authenticated activity gets. Invokes are answered inline (the HTTP response is their result);
/// messages are written to the durable queue and acknowledged at once, because the connector times out and retries
/// slow bots; a message already there (a connector retry) is acknowledged without being queued again.
/// </summary>
public sealed partial class ActivityRouter(
    ActivityStore store,
    ActivityWakeUp wakeUp,
    TryAgainReplies tryAgain,
    CardActionHandler cardActions,
    IConversationStore conversations,
    ILogger<ActivityRouter> logger)
{
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
                await QueueAsync(activity, cancellationToken);
                return TypedResults.Ok();

            case ActivityTypes.ConversationUpdate or ActivityTypes.InstallationUpdate:
                await RememberOnInstallAsync(activity, cancellationToken);
                return TypedResults.Ok();

            default:
                return TypedResults.Ok();
        }
    }

    /// <summary>
    /// With Postgres away the message cannot be kept, and a 5xx would at best bring a connector retry into the same
    /// outage: the user is told at once to try again, and the connector gets its 200.
    /// </summary>
    private async Task QueueAsync(Activity activity, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.EnqueueAsync(activity, cancellationToken))
            {
                wakeUp.Notify();
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var reference = TryAgainReplies.NewReference();
            LogNotQueued(logger, ex.GetType().Name, activity.Id, reference);
            await tryAgain.SendAsync(activity, reference, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {ActivityId} could not be queued ({Error}); the user was asked to try again (reference {Reference})")]
    private static partial void LogNotQueued(ILogger logger, string error, string? activityId, string reference);
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
