using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using OrderPlatform.TaskDispatcher.Backends;
using OrderPlatform.TaskDispatcher.Completion;
using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskDispatcher.Dispatch;

/// <summary>What one delivery of a message carries through the runner.</summary>
public sealed class TaskRun(QueueClient queue, QueueMessage message, MessageLease lease, TaskMessage task, string json, Uri? webhook, DateTimeOffset receivedAt)
{
    public QueueClient Queue { get; } = queue;

    public QueueMessage Message { get; } = message;

    public MessageLease Lease { get; } = lease;

    public TaskMessage Task { get; } = task;

    public string Json { get; } = json;

    public Uri? Webhook { get; } = webhook;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>The client is the queue name without its suffix: <c>acme-tasks</c> → <c>acme</c>.</summary>
    public string Client { get; } = ClientOf(queue.Name);

    public string Name => TaskNames.For(Client, Message.MessageId);

    /// <summary>A log tail captured before the run was removed (time-outs).</summary>
    public string? LogTail { get; set; }

    public static string ClientOf(string queueName) =>
        queueName.EndsWith("-tasks", StringComparison.Ordinal) ? queueName[..^"-tasks".Length] : queueName;

    public CompletionReport Report(string outcome, TaskInstance? instance, string logTail, bool final, string? logTailNote) => new(
        Message.MessageId, Queue.Name, Task.TaskId, Task.TaskType, outcome, instance?.ExitCode, Message.DequeueCount, final,
        ReceivedAt, instance?.StartedAt, instance?.FinishedAt, logTail, logTailNote);
}
