using OrderPlatform.Contracts;

namespace OrderPlatform.TeamsBot.Conversations;

/// <summary>Where each user's 1:1 chat with the bot lives, so results can be sent long after the upload.</summary>
public interface IConversationStore
{
    /// <summary>Insert or replace the user's reference; a fresh save also clears an earlier block.</summary>
    Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken);

    Task<StoredConversation?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>The user blocked or removed the app: remember it so later notifications fail fast.</summary>
    Task MarkBlockedAsync(string tenantId, string userId, CancellationToken cancellationToken);
}

public sealed record StoredConversation(ConversationReference Reference, DateTimeOffset? BlockedAt);
