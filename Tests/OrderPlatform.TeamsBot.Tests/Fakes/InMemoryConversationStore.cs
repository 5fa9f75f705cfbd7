using System.Collections.Concurrent;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Conversations;

namespace OrderPlatform.TeamsBot.Tests.Fakes;

/// <summary>The conversation store for tests that are about the protocol, not about Postgres.</summary>
public sealed class InMemoryConversationStore : IConversationStore
{
    private readonly ConcurrentDictionary<(string, string), StoredConversation> _rows = new();

    public Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken)
    {
        _rows[(reference.TenantId, reference.UserId)] = new StoredConversation(reference, null);
        return Task.CompletedTask;
    }

    public Task<StoredConversation?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.GetValueOrDefault((tenantId, userId)));

    public Task MarkBlockedAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        if (_rows.TryGetValue((tenantId, userId), out var row))
        {
            _rows[(tenantId, userId)] = row with { BlockedAt = DateTimeOffset.UtcNow };
        }

        return Task.CompletedTask;
    }
}
