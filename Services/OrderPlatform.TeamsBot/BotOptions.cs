using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.TeamsBot;

/// <summary>The bot's identity and the Bot Framework endpoints, bound from the <c>Bot</c> section.</summary>
public sealed class BotOptions
{
    public const string Section = "Bot";

    /// <summary>Bot Service tenants whose Entra-issued tokens the connector may present (teams-bot spec §1).</summary>
    public static readonly IReadOnlyList<string> BotServiceTenants =
    [
        "d6d49420-f39b-4df7-a1dc-d59a935871db",
        "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
        "69e9b82d-4842-4902-8d1e-abc5b98a55e8",
    ];

    /// <summary>Empty only in Development, where inbound auth is then skipped (see <see cref="BotOptionsValidator"/>).</summary>
    public string? AppId { get; set; }

    public string? AppPassword { get; set; }

    /// <summary>The bot's own tenant: single-tenant bots take outbound tokens from it and accept its Entra issuers.</summary>
    public string? TenantId { get; set; }

    [Required, Url]
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    [Required, Url]
    public string EntraOpenIdMetadataUrl { get; set; } =
        "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration";

    /// <summary>Client-credentials endpoint; empty means the spec's default for <see cref="TenantId"/>.</summary>
    [Url]
    public string? TokenEndpoint { get; set; }

    [Required]
    public string TokenScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>
    /// Tenants whose users' activities the bot takes (<c>Bot:AllowedTenants:0</c>, …); empty means the bot's own
    /// <see cref="TenantId"/> only, and any tenant only when neither is set (a multi-tenant registration).
    /// </summary>
    public IList<string> AllowedTenants { get; } = [];

    /// <summary>Entra callers (<c>azp</c>/<c>appid</c>) let in besides the bot itself (Emulator, Playground).</summary>
    public IList<string> AllowedCallers { get; } = [];

    /// <summary>
    /// Lets file downloads connect to loopback and private addresses (a test or an on-premises proxy); off by default,
    /// so a download URL whose name resolves into our network is refused.
    /// </summary>
    public bool AllowPrivateDownloadTargets { get; set; }

    /// <summary>Largest order file accepted from Teams.</summary>
    [Range(1, 100 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>First retry delay towards the connector; later ones double, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;

    public bool AllowsTenant(string? tenantId)
    {
        IEnumerable<string> allowed = AllowedTenants.Count > 0 ? AllowedTenants : string.IsNullOrWhiteSpace(TenantId) ? [] : [TenantId];
        return !allowed.Any() || (tenantId is { Length: > 0 } && allowed.Contains(tenantId, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>No app id: only allowed in Development, where it means "local anonymous mode".</summary>
    public bool IsAnonymous => string.IsNullOrWhiteSpace(AppId);

    public string ResolvedTokenEndpoint => !string.IsNullOrWhiteSpace(TokenEndpoint)
        ? TokenEndpoint
        : $"https://login.microsoftonline.com/{(string.IsNullOrWhiteSpace(TenantId) ? "botframework.com" : TenantId)}/oauth2/v2.0/token";
}

/// <summary>The bot's key for the platform Api (scopes orders and bot); /api/notify takes its own, <see cref="Notify.NotifyOptions"/>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    [Required(AllowEmptyStrings = false)]
    public string Key { get; set; } = "";
}
