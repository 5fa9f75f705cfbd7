using System.Text.Json;

namespace OrderPlatform.TaskWorker.Tasks;

/// <summary>
/// One task as producers put it on <c>{client}-tasks</c> (task-dispatch spec §2); the whole message text reaches the
/// worker as <c>TASK_DATA</c>.
/// </summary>
public sealed record TaskMessage(string TaskId, string TaskType, JsonElement Data, int? TimeoutSeconds, Uri? WebhookUrl);

/// <summary>How queue message bodies are encoded: raw JSON, base64 of JSON, or whichever parses (spec §2).</summary>
public enum MessageEncoding
{
    Auto,
    None,
    Base64,
}

/// <summary>Why a message cannot be run; it goes to the poison queue at once.</summary>
public sealed class InvalidTaskMessageException(string message) : Exception(message);
