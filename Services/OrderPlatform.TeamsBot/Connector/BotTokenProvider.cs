using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TeamsBot.Connector;

/// <summary>
/// Client-credentials token for calls to the Bot Connector (spec §5), from the single-tenant authority when a tenant
/// is configured. Cached until five minutes before expiry; one refresh at a time.
/// </summary>
public sealed class BotTokenProvider(IHttpClientFactory httpClientFactory, IOptions<BotOptions> options, TimeProvider time) : IDisposable
{
    public const string HttpClientName = "bot-token";

    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly BotOptions _options = options.Value;
    private string? _token;
    private DateTimeOffset _expiresAt;

    /// <summary>Null in anonymous Development mode, where the fake connector must not receive a real token.</summary>
    public async Task<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken)
    {
        if (_options.IsAnonymous)
        {
            return null;
        }

        if (_token is not null && time.GetUtcNow() < _expiresAt)
        {
            return new AuthenticationHeaderValue("Bearer", _token);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is null || time.GetUtcNow() >= _expiresAt)
            {
                await FetchAsync(cancellationToken);
            }

            return new AuthenticationHeaderValue("Bearer", _token);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _options.AppId!,
            ["client_secret"] = _options.AppPassword ?? "",
            ["scope"] = _options.TokenScope,
        });
        var http = httpClientFactory.CreateClient(HttpClientName);
        using var response = await http.PostAsync(_options.ResolvedTokenEndpoint, form, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The body may echo request details; only the status goes into the message.
            throw new BotTokenException($"The token endpoint answered {(int)response.StatusCode}; check Bot:AppId, Bot:AppPassword and Bot:TenantId.");
        }

        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new BotTokenException("The token endpoint answered without a body.");
        if (string.IsNullOrEmpty(body.AccessToken))
        {
            throw new BotTokenException("The token endpoint answered without an access token.");
        }

        _token = body.AccessToken;
        var lifetime = TimeSpan.FromSeconds(Math.Max(body.ExpiresIn, 0));
        _expiresAt = time.GetUtcNow() + lifetime - (lifetime > 2 * ExpiryMargin ? ExpiryMargin : lifetime / 2);
    }

    public void Dispose() => _gate.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>Outbound credentials were refused: a configuration problem, never worth retrying.</summary>
public sealed class BotTokenException(string message) : Exception(message);
