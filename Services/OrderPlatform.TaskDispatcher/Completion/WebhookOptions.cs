using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.TaskDispatcher.Completion;

/// <summary>Completion webhooks (section <c>TaskDispatch:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "TaskDispatch:Webhooks";

    /// <summary>HMAC-SHA256 key (the AppHost's <c>webhook-signing-key</c>).</summary>
    [Required, MinLength(16)]
    public string SigningKey { get; set; } = "";

    /// <summary>
    /// Origins (<c>https://hooks.example.com</c>, <c>http://127.0.0.1:5005</c>) a message's <c>webhookUrl</c> may
    /// point at. Anything else is refused: the address comes from queue input (no SSRF).
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Used when the message names no <c>webhookUrl</c>; it must be allowed too. Empty = no webhook.</summary>
    public string? DefaultUrl { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often undelivered completions in the outbox are retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan OutboxRetryInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The blob container that keeps completions whose webhook failed.</summary>
    [Required]
    public string OutboxContainer { get; set; } = "taskdispatch-outbox";

    /// <summary>Which URL a message's completion goes to, or null for none.</summary>
    /// <exception cref="UriFormatException">The URL is not on the allow-list.</exception>
    public Uri? Resolve(Uri? fromMessage)
    {
        var url = fromMessage ?? (string.IsNullOrWhiteSpace(DefaultUrl) ? null : new Uri(DefaultUrl));
        if (url is null)
        {
            return null;
        }

        var origin = url.GetLeftPart(UriPartial.Authority);
        return AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            ? url
            : throw new UriFormatException($"The webhook origin {origin} is not in {Section}:AllowedOrigins.");
    }
}
