using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrderPlatform.FlowRunner.Auth;

/// <summary>
/// <c>X-Api-Key</c> checked in constant time against <c>FlowRunner:Keys</c>, the Api's scheme. The principal carries the
/// key's position and a truncated SHA-256 of it (the rate-limit partition), never the key itself.
/// </summary>
public sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<FlowRunnerOptions> settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string FingerprintClaim = "api-key-fingerprint";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].ToString();
        if (presented.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var bytes = Encoding.UTF8.GetBytes(presented);
        var index = Array.FindIndex(settings.Value.Keys, k => k.Length > 0 && CryptographicOperations.FixedTimeEquals(bytes, Encoding.UTF8.GetBytes(k)));
        if (index < 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"key-{index}"), new Claim(FingerprintClaim, Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)))],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = SchemeName;
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required", detail: $"Send a valid key in the {Header} header.")
            .ExecuteAsync(Context);
    }
}
