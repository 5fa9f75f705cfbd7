using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>
/// The slice of a Bot Framework activity the bot reads or writes. Kept lenient on purpose (Activity spec A2005):
/// enumerations stay strings, open-ended parts stay <see cref="JsonElement"/>, the timestamp stays text, and unknown
/// members are ignored, so a new Teams field never turns into a 5xx.
/// </summary>
public sealed record Activity
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public string? Timestamp { get; init; }
    public string? ServiceUrl { get; init; }
    public string? ChannelId { get; init; }
    public string? ReplyToId { get; init; }
    public string? Text { get; init; }
    public string? TextFormat { get; init; }
    public string? Locale { get; init; }
    public string? Name { get; init; }
    public string? Action { get; init; }
    public JsonElement? Value { get; init; }
    public ChannelAccount? From { get; init; }
    public ChannelAccount? Recipient { get; init; }
    public ConversationAccount? Conversation { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }
    public IReadOnlyList<Attachment>? Attachments { get; init; }
    public JsonElement? Entities { get; init; }
    public JsonElement? ChannelData { get; init; }

    /// <summary>Teams puts the tenant in <c>channelData.tenant.id</c>; older payloads only in the conversation.</summary>
    [JsonIgnore]
    public string? TenantId =>
        ChannelData is { ValueKind: JsonValueKind.Object } data
        && data.TryGetProperty("tenant", out var tenant) && tenant.ValueKind == JsonValueKind.Object
        && tenant.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : Conversation?.TenantId;
}

public sealed record ChannelAccount(string? Id, string? Name = null, string? AadObjectId = null, string? Role = null);

public sealed record ConversationAccount(
    string? Id,
    string? ConversationType = null,
    bool? IsGroup = null,
    string? TenantId = null,
    string? Name = null);

public sealed record Attachment(string? ContentType, string? ContentUrl = null, JsonElement? Content = null, string? Name = null);

/// <summary>Activity type and content-type names the bot reacts to; anything else is accepted and ignored.</summary>
public static class ActivityTypes
{
    public const string Message = "message";
    public const string Invoke = "invoke";
    public const string ConversationUpdate = "conversationUpdate";
    public const string InstallationUpdate = "installationUpdate";
    public const string AdaptiveCardAction = "adaptiveCard/action";
    public const string FileDownloadInfo = "application/vnd.microsoft.teams.file.download.info";
    public const string AdaptiveCard = "application/vnd.microsoft.card.adaptive";
}

/// <summary>One set of serializer options for everything that crosses the wire to Teams.</summary>
public static class BotJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
