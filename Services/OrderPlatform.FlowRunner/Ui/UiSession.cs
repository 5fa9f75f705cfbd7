using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Auth;

namespace OrderPlatform.FlowRunner.Ui;

/// <summary>A signed-in browser: the caller its key names, the key's rate-limit fingerprint, and its form token.</summary>
public sealed record UiSession(string Caller, string Fingerprint, string CsrfToken);

/// <summary>
/// The runs page's login: the same keys as <c>X-Api-Key</c>, typed once into a form, become a cookie
/// <c>expiry.nonce.HMAC-SHA256(key, expiry|nonce)</c>. Signed with the key itself, so every replica checks it without
/// shared state or a Data Protection key ring, and removing a key from <c>FlowRunner:Keys</c> ends its sessions. The
/// form token is another HMAC of the nonce, so a page can only post with a token its own session was given.
/// </summary>
public sealed class UiSessions(IOptions<FlowRunnerOptions> options, TimeProvider clock)
{
    public const string CookieName = "flowrunner-ui";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>A cookie value for <paramref name="presentedKey"/>, or null when it is not a configured key.</summary>
    public string? Issue(string presentedKey)
    {
        if (Keys().FirstOrDefault(k => Same(k.Key, presentedKey)) is not { Key: not null } match)
        {
            return null;
        }

        var expiry = (clock.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return $"{expiry}.{nonce}.{Mac(match.Key, $"session|{expiry}|{nonce}")}";
    }

    public UiSession? Validate(string cookie)
    {
        var parts = cookie.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || expiry < clock.GetUtcNow().ToUnixTimeSeconds() || parts[1].Length != 32 || parts[2].Length != 64)
        {
            return null;
        }

        foreach (var (key, index) in Keys())
        {
            if (Same(Mac(key, $"session|{parts[0]}|{parts[1]}"), parts[2]))
            {
                var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 8));
                return new UiSession($"key-{index}", fingerprint, Mac(key, $"csrf|{parts[1]}"));
            }
        }

        return null;
    }

    public static void SetCookie(HttpContext http, string? value)
    {
        var secure = http.Request.IsHttps || string.Equals(http.Request.Headers["X-Forwarded-Proto"], "https", StringComparison.OrdinalIgnoreCase);
        var cookie = new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = secure, Path = "/ui", IsEssential = true };
        if (value is null)
        {
            http.Response.Cookies.Delete(CookieName, cookie);
        }
        else
        {
            cookie.MaxAge = Lifetime;
            http.Response.Cookies.Append(CookieName, value, cookie);
        }
    }

    private IEnumerable<(string Key, int Index)> Keys() => options.Value.Keys.Select((k, i) => (k, i)).Where(k => k.k.Length > 0);

    private static string Mac(string key, string data) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data)));

    private static bool Same(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

/// <summary>The runs page's scheme: the session cookie, or a redirect to the login form.</summary>
public sealed class UiSessionHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UiSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "RunsPage";
    public const string CsrfClaim = "ui-csrf";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[UiSessions.CookieName] is not { Length: > 0 and < 256 } cookie)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (sessions.Validate(cookie) is not { } session)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown or expired session."));
        }

        var identity = new ClaimsIdentity(
            [new(ClaimTypes.Name, session.Caller), new(ApiKeyHandler.FingerprintClaim, session.Fingerprint), new(CsrfClaim, session.CsrfToken)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method))
        {
            Response.Redirect("/ui/login");
        }
        else
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
        }

        return Task.CompletedTask;
    }
}
