using System.Text.Json.Nodes;

namespace OrderPlatform.FlowRunner.Ui;

/// <summary>
/// What the runs page shows of logged inputs, outputs and trigger requests: a copy with every value under a key that
/// looks like a secret (password, token, authorization, cookie, api key, connection string...) replaced by
/// <see cref="Marker"/>, and credentials in text values (<c>Bearer ...</c>, <c>Basic ...</c>) too. The step log keeps
/// what the engine wrote (with its own redaction of secret headers and connections); this is the page's second line.
/// </summary>
public static class Redaction
{
    public const string Marker = "**REDACTED**";

    private static readonly string[] SecretWords =
    [
        "password", "passwd", "pwd", "secret", "token", "apikey", "authorization", "cookie", "credential", "privatekey",
        "connectionstring", "accesskey", "signature", "sessionid",
    ];

    private static readonly string[] CredentialSchemes = ["bearer ", "basic ", "digest ", "sharedaccesssignature "];

    public static JsonNode? Redact(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, LooksSecret(p.Key) && p.Value is not null ? JsonValue.Create(Marker) : Redact(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Redact)]),
        JsonValue v when v.TryGetValue<string>(out var text) && LooksLikeCredential(text) => JsonValue.Create(Marker),
        _ => node?.DeepClone(),
    };

    public static bool LooksSecret(string key)
    {
        var normalized = new string([.. key.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
        return normalized is "auth" or "key" or "pass" || SecretWords.Any(normalized.Contains);
    }

    private static bool LooksLikeCredential(string text) =>
        CredentialSchemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase)) || text.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase);
}
