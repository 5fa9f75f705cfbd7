using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrderPlatform.Api.Auth;

/// <summary>
/// Keys accepted in <c>X-Api-Key</c> (<c>Api:Keys:0</c>, <c>Api:Keys:1</c>, ... so a key can be rolled over) and the
/// per-key request budget.
/// </summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    [MinLength(1, ErrorMessage = "Set at least one key in Api:Keys (the AppHost maps the api-key parameter to Api:Keys:0).")]
    public string[] Keys { get; set; } = [];

    [Range(1, 100_000)]
    public int PermitsPerMinute { get; set; } = 600;
}

/// <summary>
/// <c>X-Api-Key</c> compared in constant time against every configured key. The principal's name is the key's
/// position (<c>key-0</c>), never the key, so logs do not carry the secret; <see cref="FingerprintClaim"/> (a truncated
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
        var keys = api.Value.Keys;
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i].Length > 0 && CryptographicOperations.FixedTimeEquals(bytes, Encoding.UTF8.GetBytes(keys[i])))
            {
                var fingerprint = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
                var identity = new ClaimsIdentity(
                    [new Claim(ClaimTypes.Name, $"key-{i}"), new Claim(FingerprintClaim, fingerprint)], SchemeName);
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
