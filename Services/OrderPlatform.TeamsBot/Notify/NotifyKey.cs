using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TeamsBot.Notify;

/// <summary>
/// The Worker's credential for <c>/api/notify</c> (<c>Notify:Key</c>, AppHost parameter <c>notify-key</c>): its own
/// secret, not the Api key the bot holds, so a leaked Api key cannot post into users' chats and the other way round.
/// </summary>
public sealed class NotifyOptions
{
    public const string Section = "Notify";

    [Required(AllowEmptyStrings = false), MinLength(16)]
    public string Key { get; set; } = "";

    /// <summary>Enough for a card's worth of questions; the request is refused before more is read.</summary>
    [Range(1024, 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>The two keys must differ: one secret for two purposes is what this separation is meant to prevent.</summary>
internal sealed class NotifyOptionsValidator(IOptions<ApiOptions> api) : IValidateOptions<NotifyOptions>
{
    public ValidateOptionsResult Validate(string? name, NotifyOptions options) =>
        options.Key == api.Value.Key
            ? ValidateOptionsResult.Fail("Notify:Key must not be the Api key (Api:Key): the AppHost generates notify-key for it.")
            : ValidateOptionsResult.Success;
}

/// <summary><c>X-Api-Key</c> on <c>/api/notify</c> compared in constant time with <see cref="NotifyOptions.Key"/>.</summary>
public sealed class NotifyKey(IOptions<NotifyOptions> options)
{
    public const string Header = "X-Api-Key";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public bool Accepts(HttpRequest request) =>
        request.Headers[Header].ToString() is { Length: > 0 } presented
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key);
}
