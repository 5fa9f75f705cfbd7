using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrderPlatform.TeamsBot.Tests.Fakes;

/// <summary>One request the bot made to the connector.</summary>
public sealed record RecordedCall(string Method, string Path, string? Authorization, JsonNode? Body);

/// <summary>
/// Stands in for the Bot Connector and the login endpoints: serves OpenID metadata and a JWKS whose keys carry
/// endorsements, mints tokens with its own RSA keys, issues outbound tokens, and records every activity sent to it.
/// </summary>
public sealed class FakeBotConnector : IAsyncDisposable
{
    public const string AbsIssuer = "https://api.botframework.com";
    public const string OutboundToken = "fake-outbound-token";

    private readonly ConcurrentDictionary<string, (RsaSecurityKey Key, string[] Endorsements)> _keys = new();
    private readonly ConcurrentQueue<(int Status, string? Body, int? RetryAfter)> _scriptedFailures = new();
    private readonly ConcurrentQueue<RecordedCall> _calls = new();
    private LoopbackServer _server = null!;
    private int _tokenRequests;
    private int _activityCounter;
    private int _held;
    private volatile TaskCompletionSource? _hold;

    private FakeBotConnector()
    {
        TeamsKey = AddKey("teams-key", "msteams", "webchat");
        WebChatOnlyKey = AddKey("webchat-only-key", "webchat");
    }

    public RsaSecurityKey TeamsKey { get; }

    public RsaSecurityKey WebChatOnlyKey { get; }

    public string BaseUrl => _server.BaseUrl;

    /// <summary>The serviceUrl activities carry; like Teams' <c>https://smba.trafficmanager.net/amer/</c> it has a path.</summary>
    public string ServiceUrl => $"{BaseUrl}/amer/";

    public string OpenIdUrl => $"{BaseUrl}/v1/.well-known/openidconfiguration";

    public string EntraOpenIdUrl => $"{BaseUrl}/common/v2.0/.well-known/openid-configuration";

    public string TokenUrl => $"{BaseUrl}/tenant/oauth2/v2.0/token";

    public int TokenRequests => _tokenRequests;

    /// <summary>Activity calls that arrived while <see cref="Hold"/> was in force.</summary>
    public int Held => Volatile.Read(ref _held);

    public IReadOnlyList<RecordedCall> Calls => [.. _calls];

    public static async Task<FakeBotConnector> StartAsync()
    {
        var connector = new FakeBotConnector();
        connector._server = await LoopbackServer.StartAsync(connector.Map);
        return connector;
    }

    public RsaSecurityKey AddKey(string kid, params string[] endorsements)
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid };
        _keys[kid] = (key, endorsements);
        return key;
    }

    /// <summary>The next connector calls answer these statuses (and bodies) before calls succeed again.</summary>
    public void FailNext(int status, string? body = null, int? retryAfterSeconds = null) =>
        _scriptedFailures.Enqueue((status, body, retryAfterSeconds));

    /// <summary>
    /// Holds every activity call unanswered and unrecorded until <see cref="Release"/>, like a connector that stalls; a
    /// caller that dies meanwhile leaves no recorded call.
    /// </summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release()
    {
        var hold = _hold;
        _hold = null;
        hold?.TrySetResult();
    }

    public string MintToken(
        SecurityKey? key = null,
        string issuer = AbsIssuer,
        string? audience = null,
        string? serviceUrl = null,
        DateTime? expires = null,
        IDictionary<string, object>? claims = null,
        string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddMinutes(30);
        var allClaims = new Dictionary<string, object>(claims ?? new Dictionary<string, object>());
        if (issuer == AbsIssuer)
        {
            allClaims["serviceurl"] = serviceUrl ?? ServiceUrl;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience ?? BotApp.AppId,
            IssuedAt = expiry.AddMinutes(-60),
            NotBefore = expiry.AddMinutes(-60),
            Expires = expiry,
            Claims = allClaims,
            SigningCredentials = new SigningCredentials(key ?? TeamsKey, algorithm),
        });
    }

    /// <summary>Waits until the bot made a call matching <paramref name="match"/> (the bot works asynchronously).</summary>
    public async Task<RecordedCall> WaitForCallAsync(Func<RecordedCall, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (_calls.FirstOrDefault(match) is { } call)
            {
                return call;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("The bot made no matching call to the connector.");
    }

    public IReadOnlyList<RecordedCall> CallsFor(string conversationId) =>
        [.. _calls.Where(c => c.Path.Contains(conversationId, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private void Map(WebApplication app)
    {
        app.MapGet("/v1/.well-known/openidconfiguration", () => Results.Json(new JsonObject
        {
            ["issuer"] = AbsIssuer,
            ["jwks_uri"] = $"{BaseUrl}/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        }));
        app.MapGet("/common/v2.0/.well-known/openid-configuration", () => Results.Json(new JsonObject
        {
            ["issuer"] = "https://login.microsoftonline.com/{tenantid}/v2.0",
            ["jwks_uri"] = $"{BaseUrl}/keys",
        }));
        app.MapGet("/keys", () => Results.Json(new JsonObject { ["keys"] = new JsonArray([.. _keys.Values.Select(Jwk)]) }));
        app.MapPost("/tenant/oauth2/v2.0/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            Interlocked.Increment(ref _tokenRequests);
            return form["client_id"] == BotApp.AppId && form["client_secret"] == BotApp.AppPassword
                && form["grant_type"] == "client_credentials" && form["scope"] == "https://api.botframework.com/.default"
                ? Results.Json(new { access_token = OutboundToken, token_type = "Bearer", expires_in = 3600 })
                : Results.BadRequest();
        });
        app.MapPost("/amer/v3/conversations/{**rest}", RecordAsync);
        app.MapPut("/amer/v3/conversations/{**rest}", RecordAsync);
    }

    private async Task<IResult> RecordAsync(HttpRequest request)
    {
        if (_hold is { } hold)
        {
            Interlocked.Increment(ref _held);
            await hold.Task.WaitAsync(request.HttpContext.RequestAborted);
        }

        var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        _calls.Enqueue(new RecordedCall(request.Method, request.Path.Value ?? "", request.Headers.Authorization.ToString(), body));
        if (_scriptedFailures.TryDequeue(out var failure))
        {
            if (failure.RetryAfter is { } seconds)
            {
                request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Results.Content(failure.Body ?? "", "application/json", statusCode: failure.Status);
        }

        return request.Method == HttpMethods.Put
            ? Results.Ok()
            : Results.Json(new { id = $"activity-{Interlocked.Increment(ref _activityCounter)}" }, statusCode: 201);
    }

    private static JsonNode Jwk((RsaSecurityKey Key, string[] Endorsements) entry)
    {
        var parameters = entry.Key.Rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = entry.Key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["endorsements"] = new JsonArray([.. entry.Endorsements.Select(e => (JsonNode)e)]),
        };
    }
}
