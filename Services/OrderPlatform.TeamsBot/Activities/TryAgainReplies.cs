using System.Security.Cryptography;
using OrderPlatform.TeamsBot.Connector;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>
/// What the user hears when the bot cannot do what they asked (Postgres away, the Api timing out, a bug): a sentence
/// and a reference that is also in the log line, never the error itself.
/// </summary>
public sealed partial class TryAgainReplies(ConnectorClient connector, ILogger<TryAgainReplies> logger)
{
    private static readonly TimeSpan SendLimit = TimeSpan.FromSeconds(20);

    public static string NewReference() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string Text(string reference) =>
        $"Sorry, I couldn't handle that just now. Please try again in a few minutes. (Reference: {reference})";

    /// <summary>Best effort, bounded: a failure here is logged, never thrown into the caller's error path.</summary>
    public async Task SendAsync(Activity activity, string reference, CancellationToken cancellationToken)
    {
        if (activity.ServiceUrl is null || activity.Conversation?.Id is null)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(SendLimit);
        try
        {
            var reply = new OutgoingActivity(ActivityTypes.Message, Text(reference), ReplyToId: activity.Id, TextFormat: "plain");
            await connector.SendAsync(activity.ServiceUrl, activity.Conversation.Id, reply, limit.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogSendFailed(logger, ex.GetType().Name, reference);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The try-again reply {Reference} could not be sent ({Error})")]
    private static partial void LogSendFailed(ILogger logger, string error, string reference);
}
