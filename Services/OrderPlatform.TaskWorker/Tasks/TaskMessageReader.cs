using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrderPlatform.TaskWorker.Tasks;

/// <summary>
/// Decodes and validates a task message. Errors name the rule broken, never echo the payload: it can hold customer data.
/// </summary>
public static partial class TaskMessageReader
{
    /// <summary>The service's limit on an encoded message (64 KiB).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    public const int MaxTimeoutSeconds = 24 * 60 * 60;

    /// <summary>Decodes <paramref name="body"/> and validates it; returns the message and its JSON text.</summary>
    /// <exception cref="InvalidTaskMessageException">Not decodable, not JSON, or not the contract's shape.</exception>
    public static (TaskMessage Message, string Json) Read(ReadOnlySpan<byte> body, MessageEncoding encoding)
    {
        if (body.Length > MaxMessageBytes)
        {
            throw new InvalidTaskMessageException($"The message is larger than {MaxMessageBytes} bytes.");
        }

        var json = encoding switch
        {
            MessageEncoding.None => Utf8(body),
            MessageEncoding.Base64 => FromBase64(body),
            _ => LooksLikeJson(body) ? Utf8(body) : FromBase64(body),
        };
        return (Parse(json), json);
    }

    /// <summary>Validates message text that is already JSON (<c>TASK_DATA</c>).</summary>
    /// <exception cref="InvalidTaskMessageException">Not JSON, or not the contract's shape.</exception>
    public static TaskMessage Parse(string json)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new InvalidTaskMessageException("The message is not valid JSON.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidTaskMessageException("The message is not a JSON object.");
        }

        var taskId = RequiredString(root, "taskId", 200);
        var taskType = RequiredString(root, "taskType", 64);
        if (!TaskTypePattern().IsMatch(taskType))
        {
            throw new InvalidTaskMessageException("taskType must be lowercase letters, digits and hyphens.");
        }

        if (!root.TryGetProperty("data", out var data) || data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw new InvalidTaskMessageException("data is required.");
        }

        return new TaskMessage(taskId, taskType, data, TimeoutSeconds(root), WebhookUrl(root)) { TraceParent = TraceParent(root) };
    }

    // 55 characters for version 00; later versions may append fields, so allow a little more and let the parser judge.
    private static string? TraceParent(JsonElement root) =>
        root.TryGetProperty("traceparent", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: <= 128 } text
            ? text
            : null;

    private static string RequiredString(JsonElement root, string name, int maxLength)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw new InvalidTaskMessageException($"{name} is required and must be a non-empty string.");
        }

        return text.Length <= maxLength ? text : throw new InvalidTaskMessageException($"{name} is longer than {maxLength} characters.");
    }

    private static int? TimeoutSeconds(JsonElement root)
    {
        if (!root.TryGetProperty("timeoutSeconds", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds) && seconds is >= 1 and <= MaxTimeoutSeconds
            ? seconds
            : throw new InvalidTaskMessageException($"timeoutSeconds must be a whole number from 1 to {MaxTimeoutSeconds}.");
    }

    private static Uri? WebhookUrl(JsonElement root)
    {
        if (!root.TryGetProperty("webhookUrl", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidTaskMessageException("webhookUrl must be an absolute http or https URL.");
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && trimmed[0] is (byte)'{' or (byte)'[';
    }

    private static string Utf8(ReadOnlySpan<byte> body)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidTaskMessageException("The message is not valid UTF-8.");
        }
    }

    private static string FromBase64(ReadOnlySpan<byte> body)
    {
        var decoded = new byte[body.Length];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(body.Trim(" \t\r\n"u8), decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            throw new InvalidTaskMessageException("The message is neither JSON nor base64.");
        }

        return Utf8(decoded.AsSpan(0, written));
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex TaskTypePattern();
}
