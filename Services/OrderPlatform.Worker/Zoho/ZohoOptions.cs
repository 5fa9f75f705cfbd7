using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.Worker.Zoho;

/// <summary>
/// Zoho Books settings (zoho-books spec §1, §2, §6). The AppHost maps the <c>zoho-*</c> parameters to these keys; with
/// any credential missing the client is not configured and create-zoho-draft runs as a dry run.
/// </summary>
public sealed class ZohoOptions
{
    public const string Section = "Zoho";

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? RefreshToken { get; set; }

    public string? OrganizationId { get; set; }

    /// <summary>EU accounts server; the API host is never configured but taken from the token's <c>api_domain</c>.</summary>
    [Required]
    public Uri AccountsUrl { get; set; } = new("https://accounts.zoho.eu");

    [Required]
    public string ApiVersion { get; set; } = "v3";

    /// <summary>Client-side budget; Zoho allows 100 per minute per organization, so stay below.</summary>
    [Range(1, 100)]
    public int RequestsPerMinute { get; set; } = 80;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Refresh this long before the access token expires (about 55 of its 60 minutes are used).</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After a create whose outcome is unknown, wait this long before looking it up, so a request still being processed
    /// by Zoho has landed before we decide to create again.
    /// </summary>
    public TimeSpan UnknownOutcomeSettleDelay { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret)
        && !string.IsNullOrWhiteSpace(RefreshToken) && !string.IsNullOrWhiteSpace(OrganizationId);
}
