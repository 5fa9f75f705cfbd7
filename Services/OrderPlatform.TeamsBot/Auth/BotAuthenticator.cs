using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Microsoft.IdentityModel.Validators;
using OrderPlatform.TeamsBot.Activities;

namespace OrderPlatform.TeamsBot.Auth;

/// <summary>
/// Who sent an activity, as far as the token proved it. <c>FromBotService</c> marks an ABS token, for which the
/// serviceurl and endorsement checks apply.
/// </summary>
public sealed record BotCaller(bool FromBotService, string? ServiceUrlClaim, string? KeyId, bool Anonymous);

/// <summary>
/// Checks the Bot Connector's JWT as the Bot Framework authentication docs require (teams-bot spec §1). There is no
/// switch that weakens a check; the only relaxation is Development without an app id, where callers must be loopback.
/// </summary>
public sealed partial class BotAuthenticator(
    BotMetadata metadata,
    IOptions<BotOptions> options,
    BotMetrics metrics,
    ILogger<BotAuthenticator> logger)
{
    public const string BotServiceIssuer = "https://api.botframework.com";

    private static readonly TimeSpan RefreshWait = TimeSpan.FromSeconds(2);
    private static readonly string[] Algorithms =
        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly BotOptions _options = options.Value;

    /// <summary>Validates the bearer token; the activity-dependent checks follow in <see cref="CheckActivityAsync"/>.</summary>
    public async Task<(BotCaller? Caller, AuthFailure? Failure)> AuthenticateAsync(HttpContext context)
    {
        if (_options.IsAnonymous)
        {
            return IsLoopback(context.Connection.RemoteIpAddress)
                ? (new BotCaller(false, null, null, Anonymous: true), null)
                : Fail(AuthFailure.NotLoopback);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(AuthFailure.MissingToken);
        }

        var raw = header["Bearer ".Length..].Trim();
        if (!_handler.CanReadToken(raw))
        {
            return Fail(AuthFailure.MalformedToken);
        }

        JsonWebToken unvalidated;
        try
        {
            unvalidated = _handler.ReadJsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            return Fail(AuthFailure.MalformedToken);
        }

        // Checked before any key lookup, so a token signed with a shared secret cannot even trigger a metadata refresh.
        if (!Algorithms.Contains(unvalidated.Alg))
        {
            return Fail(AuthFailure.InvalidAlgorithm);
        }

        // The unvalidated issuer only picks which keys to try; the chosen family then validates the issuer itself.
        var fromBotService = string.Equals(unvalidated.Issuer, BotServiceIssuer, StringComparison.Ordinal);
        var manager = fromBotService ? metadata.BotService : metadata.Entra;
        try
        {
            var result = await ValidateAsync(raw, manager, fromBotService, context.RequestAborted);
            if (!result.IsValid)
            {
                return Fail(Classify(result.Exception));
            }

            var token = (JsonWebToken)result.SecurityToken;
            if (!fromBotService && !IsAllowedEntraCaller(token))
            {
                return Fail(AuthFailure.CallerNotAllowed);
            }

            var serviceUrl = token.TryGetPayloadValue<string>("serviceurl", out var claim) ? claim : null;
            return (new BotCaller(fromBotService, serviceUrl, token.Kid, Anonymous: false), null);
        }
        catch (InvalidOperationException ex)
        {
            LogMetadataUnavailable(logger, ex.GetType().Name);
            return Fail(AuthFailure.MetadataUnavailable);
        }
    }

    /// <summary>The checks JwtBearer has no hook for: they need the activity (spec §1, serviceurl and endorsements).</summary>
    public async Task<AuthFailure?> CheckActivityAsync(BotCaller caller, Activity activity, CancellationToken cancellationToken)
    {
        if (caller.Anonymous)
        {
            return Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var uri) && uri.IsLoopback
                ? null
                : Record(AuthFailure.NotLoopback);
        }

        if (!_options.AllowsTenant(activity.TenantId))
        {
            return Record(AuthFailure.TenantNotAllowed);
        }

        if (!caller.FromBotService)
        {
            return null;
        }

        if (caller.ServiceUrlClaim is null || activity.ServiceUrl is null
            || !string.Equals(caller.ServiceUrlClaim.TrimEnd('/'), activity.ServiceUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            return Record(AuthFailure.ServiceUrlMismatch);
        }

        var configuration = await metadata.BotService.GetConfigurationAsync(cancellationToken);
        var key = configuration.JsonWebKeySet?.Keys.FirstOrDefault(k => k.Kid == caller.KeyId);
        return key is not null && activity.ChannelId is { Length: > 0 } channel && Endorsements(key).Contains(channel)
            ? null
            : Record(AuthFailure.MissingEndorsement);
    }

    private async Task<TokenValidationResult> ValidateAsync(
        string raw, ConfigurationManager<OpenIdConnectConfiguration> manager, bool fromBotService, CancellationToken cancellationToken)
    {
        var configuration = await manager.GetConfigurationAsync(cancellationToken);
        var result = await _handler.ValidateTokenAsync(raw, Parameters(configuration, fromBotService));
        if (result.IsValid || result.Exception is not SecurityTokenSignatureKeyNotFoundException)
        {
            return result;
        }

        // An unknown kid usually means the keys rolled over: refetch once (the manager rate-limits this) and retry.
        manager.RequestRefresh();
        var refreshed = await WaitForRefreshAsync(manager, configuration, cancellationToken);
        return ReferenceEquals(refreshed, configuration)
            ? result
            : await _handler.ValidateTokenAsync(raw, Parameters(refreshed, fromBotService));
    }

    private static async Task<OpenIdConnectConfiguration> WaitForRefreshAsync(
        ConfigurationManager<OpenIdConnectConfiguration> manager, OpenIdConnectConfiguration previous, CancellationToken cancellationToken)
    {
        // Newer IdentityModel versions refresh in the background; wait briefly so this request sees the new keys.
        var deadline = DateTime.UtcNow + RefreshWait;
        var current = await manager.GetConfigurationAsync(cancellationToken);
        while (ReferenceEquals(current, previous) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
            current = await manager.GetConfigurationAsync(cancellationToken);
        }

        return current;
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration, bool fromBotService)
    {
        var appId = _options.AppId!;
        var parameters = new TokenValidationParameters
        {
            ValidIssuers = fromBotService ? [BotServiceIssuer] : EntraIssuers(),
            ValidAudiences = [appId, $"api://{appId}", $"api://botid-{appId}"],
            ValidAlgorithms = Algorithms,
            IssuerSigningKeys = configuration.SigningKeys,
            ClockSkew = TimeSpan.FromMinutes(5),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
        };
        if (!fromBotService)
        {
            parameters.EnableAadSigningKeyIssuerValidation();
        }

        return parameters;
    }

    private IEnumerable<string> EntraIssuers() =>
        BotOptions.BotServiceTenants
            .Concat(string.IsNullOrWhiteSpace(_options.TenantId) ? [] : [_options.TenantId])
            .SelectMany(t => new[] { $"https://sts.windows.net/{t}/", $"https://login.microsoftonline.com/{t}/v2.0" });

    private bool IsAllowedEntraCaller(JsonWebToken token)
    {
        // tid must name the issuer's tenant, and only known apps (by default the bot itself) may call.
        if (!token.TryGetPayloadValue<string>("tid", out var tid) || !token.Issuer.Contains($"/{tid}/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var caller = token.TryGetPayloadValue<string>("azp", out var azp) ? azp
            : token.TryGetPayloadValue<string>("appid", out var appid) ? appid : null;
        return caller is not null
            && (string.Equals(caller, _options.AppId, StringComparison.OrdinalIgnoreCase)
                || _options.AllowedCallers.Contains(caller, StringComparer.OrdinalIgnoreCase));
    }

    private static HashSet<string> Endorsements(JsonWebKey key)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!key.AdditionalData.TryGetValue("endorsements", out var value))
        {
            return set;
        }

        switch (value)
        {
            case JsonElement { ValueKind: JsonValueKind.Array } array:
                set.UnionWith(array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
                break;
            case IEnumerable<object> items:
                set.UnionWith(items.Select(i => i?.ToString()).OfType<string>());
                break;
        }

        return set;
    }

    private static AuthFailure Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException => AuthFailure.Expired,
        SecurityTokenInvalidAudienceException => AuthFailure.InvalidAudience,
        SecurityTokenInvalidIssuerException => AuthFailure.InvalidIssuer,
        SecurityTokenInvalidAlgorithmException => AuthFailure.InvalidAlgorithm,
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => AuthFailure.InvalidSignature,
        SecurityTokenMalformedException => AuthFailure.MalformedToken,
        _ => AuthFailure.InvalidToken,
    };

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private (BotCaller?, AuthFailure?) Fail(AuthFailure reason) => (null, Record(reason));

    private AuthFailure Record(AuthFailure reason)
    {
        metrics.AuthFailed(reason);
        LogRefused(logger, reason);
        return reason;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inbound activity refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, AuthFailure reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID metadata could not be loaded ({Error}); inbound activity refused")]
    private static partial void LogMetadataUnavailable(ILogger logger, string error);
}
