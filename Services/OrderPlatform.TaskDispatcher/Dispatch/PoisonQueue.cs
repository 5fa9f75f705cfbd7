using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace OrderPlatform.TaskDispatcher.Dispatch;

/// <summary>Copies a message, body unchanged, to <c>{queue}-poison</c> (created on demand) and deletes the original.</summary>
public sealed class PoisonQueue(QueueServiceClient queues, DispatchMetrics metrics, ILogger<PoisonQueue> logger)
{
    private readonly ConcurrentDictionary<string, Task> _created = new();

    public static string NameFor(string queue) => $"{queue}-poison";

    public async Task MoveAsync(QueueClient queue, QueueMessage message, MessageLease lease, string reason, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(NameFor(queue.Name));
        await _created.GetOrAdd(poison.Name, _ => poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None));
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        if (await lease.DeleteAsync(cancellationToken))
        {
            metrics.Poisoned(queue.Name);
            logger.LogWarning("Message {MessageId} of {Queue} moved to {Poison}: {Reason}", message.MessageId, queue.Name, poison.Name, reason);
        }
    }
}
