using System.Text.Json.Nodes;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>Activities shaped like Teams sends them, including fields the bot does not know.</summary>
public static class TestActivities
{
    public static string NewConversationId() => $"a:{Guid.NewGuid():N}";

    public static string NewUserId() => $"29:{Guid.NewGuid():N}";

    public static JsonObject Message(string serviceUrl, string conversationId, string userId, string? text = null, JsonArray? attachments = null) => new()
    {
        ["type"] = "message",
        ["id"] = Guid.NewGuid().ToString("N"),
        ["timestamp"] = "2026-11-22T17:00:00.1234567Z",
        ["localTimestamp"] = "2026-11-22T18:00:00.1234567+01:00",
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = userId, ["name"] = "Sales Person", ["aadObjectId"] = Guid.NewGuid().ToString() },
        ["recipient"] = new JsonObject { ["id"] = $"28:{BotApp.AppId}", ["name"] = "OrderBot" },
        ["conversation"] = new JsonObject
        {
            ["id"] = conversationId,
            ["conversationType"] = "personal",
            ["tenantId"] = BotApp.TenantId,
        },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = BotApp.TenantId }, ["somethingNew"] = 42 },
        ["entities"] = new JsonArray(new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US" }, new JsonObject { ["type"] = "QuotedReply" }),
        ["locale"] = "en-US",
        ["text"] = text,
        ["attachments"] = attachments ?? [],
        ["aFieldFromTheFuture"] = new JsonObject { ["nested"] = new JsonArray(1, "two") },
    };

    public static JsonObject FileAttachment(string name, string downloadUrl, string fileType) => new()
    {
        ["contentType"] = "application/vnd.microsoft.teams.file.download.info",
        ["contentUrl"] = "https://contoso.sharepoint.com/personal/user/Documents/Microsoft Teams Chat Files/" + name,
        ["name"] = name,
        ["content"] = new JsonObject
        {
            ["downloadUrl"] = downloadUrl,
            ["uniqueId"] = Guid.NewGuid().ToString(),
            ["fileType"] = fileType,
            ["etag"] = "\"{1150D938-8870-4044-9F2C-5BBDEBA70C9D},1\"",
        },
    };

    /// <summary>The text/html mirror of the message body that Teams adds next to a file.</summary>
    public static JsonObject HtmlMirror() => new() { ["contentType"] = "text/html", ["content"] = "<div><div>order attached</div></div>" };

    public static JsonObject Invoke(string serviceUrl, string conversationId, string userId, JsonNode? value)
    {
        var activity = Message(serviceUrl, conversationId, userId);
        activity["type"] = "invoke";
        activity["name"] = "adaptiveCard/action";
        activity["value"] = value;
        activity.Remove("text");
        return activity;
    }

    /// <summary>A minimal xlsx-looking payload: the zip signature is what the bot checks before handing it on.</summary>
    public static byte[] ExcelBytes(int size = 2048)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        bytes[0] = (byte)'P';
        bytes[1] = (byte)'K';
        bytes[2] = 3;
        bytes[3] = 4;
        return bytes;
    }
}
