using System.Text.Json;

namespace OrderPlatform.TaskWorker.Tasks;

/// <summary>
/// One task as producers put it on <c>{client}-tasks</c> (task-dispatch spec §2); the whole message text reaches the
/// worker as <c>TASK_DATA</c>.
/// </summary>
public sealed record TaskMessage(string TaskId, string TaskType, JsonElement Data, int? TimeoutSeconds, Uri? WebhookUrl)
{
    /// <summary>
    /// The producer's W3C trace context (<c>traceparent</c>), if it sent one: the dispatcher's span joins that trace.
    /// Best effort — a malformed value is ignored, never a reason to poison the task.
    /// </summary>
    public string? TraceParent { get; init; }
}

/// <summary>
/// The Redis pub/sub channel on which a producer that just enqueued publishes the queue's name, so an idle dispatcher
/// polls at once instead of after its back-off. Optional on both sides: without it pickup waits for the next poll.
/// </summary>
public static class TaskWake
{
    public const string Channel = "taskdispatch:wake";
}

/// <summary>How queue message bodies are encoded: raw JSON, base64 of JSON, or whichever parses (spec §2).</summary>
public enum MessageEncoding
{
    Auto,
    None,
    Base64,
}

/// <summary>Why a message cannot be run; it goes to the poison queue at once.</summary>
public sealed class InvalidTaskMessageException(string message) : Exception(message);
