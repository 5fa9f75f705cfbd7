using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrderPlatform.Api.Auth;

/// <summary>The Api's callers (<c>Api:Clients:{name}</c>, see <see cref="ApiClient"/>) and the per-key request budget.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    public Dictionary<string, ApiClient> Clients { get; } = new(StringComparer.OrdinalIgnoreCase);

    [Range(1, 100_000)]
    public int PermitsPerMinute { get; set; } = 600;
}

/// <summary>
/// <c>X-Api-Key</c> compared in constant time against every configured key. The principal's name is the client's
/// (<c>teamsbot</c>), never the key, so logs do not carry the secret; its scopes and tenants become claims; <see cref="FingerprintClaim"/> (a truncated
/// SHA-256 of the key) names the key's rate-limit budget, which stays with the key when keys are reordered in a rollover.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<ApiOptions> api,
    IProblemDetailsService problems)
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
        foreach (var (name, client) in api.Value.Clients)
        {
            if (client.Keys.Any(key => key.Length > 0 && CryptographicOperations.FixedTimeEquals(bytes, Encoding.UTF8.GetBytes(key))))
            {
                var fingerprint = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
                Claim[] claims =
                [
                    new(ClaimTypes.Name, name), new(FingerprintClaim, fingerprint),
                    .. client.Scopes.Select(scope => new Claim(ApiCaller.ScopeClaim, scope)),
                    .. client.Tenants.Select(tenant => new Claim(ApiCaller.TenantClaim, tenant)),
                ];
                var identity = new ClaimsIdentity(claims, SchemeName);
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = SchemeName;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "API key required",
                Detail = $"Send a valid key in the {Header} header.",
            },
        }).ConfigureAwait(false);
    }
}
