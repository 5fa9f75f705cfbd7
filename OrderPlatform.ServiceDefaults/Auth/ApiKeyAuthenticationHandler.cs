using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrderPlatform.ServiceDefaults.Auth;

/// <summary>One caller of an API-key surface: its name (what logs show, never the key), its keys and extra claims.</summary>
public sealed record ApiKeyCaller(string Name, IEnumerable<string> Keys, IEnumerable<Claim> Claims);

/// <summary>
/// <c>X-Api-Key</c> compared in constant time against every caller's keys. The principal's name is the caller's, never
/// the key, so logs do not carry the secret; <see cref="FingerprintClaim"/> (a truncated SHA-256 of the key) names the
/// key's rate-limit budget, which stays with the key when keys are reordered in a rollover. A missing header is no
/// result (the endpoint's policy answers 401 with a problem body), an unknown key a failure.
/// </summary>
public abstract class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The authentication scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The request header carrying the key.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The claim holding the key's fingerprint.</summary>
    public const string FingerprintClaim = "api-key-fingerprint";

    /// <summary>The callers as configured now (read per request, so a key rollover needs no restart).</summary>
    protected abstract IEnumerable<ApiKeyCaller> Callers();

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].ToString();
        if (presented.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var bytes = Encoding.UTF8.GetBytes(presented);
        var caller = Callers().FirstOrDefault(c =>
            c.Keys.Any(key => key.Length > 0 && CryptographicOperations.FixedTimeEquals(bytes, Encoding.UTF8.GetBytes(key))));
        if (caller is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
        var identity = new ClaimsIdentity([new(ClaimTypes.Name, caller.Name), new(FingerprintClaim, fingerprint), .. caller.Claims], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = SchemeName;
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required", detail: $"Send a valid key in the {Header} header.")
            .ExecuteAsync(Context);
    }
}
