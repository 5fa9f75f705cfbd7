using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace OrderPlatform.Worker.Zoho;

/// <summary>An access token and the API host it belongs to; <see cref="ToString"/> hides the token.</summary>
public sealed record ZohoAccessToken(string Value, Uri ApiDomain, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"Zoho token for {ApiDomain.Host}, expires {ExpiresAt:O}";
}

/// <summary>
/// Refresh-token flow (spec §2): one cached access token, refreshed a margin before expiry, single-flight so concurrent
/// callers wait for the one refresh in progress (Zoho allows only 10 tokens per 10 minutes).
/// </summary>
public sealed class ZohoTokenProvider(ZohoHttp http, IOptions<ZohoOptions> options, TimeProvider time,
    ILogger<ZohoTokenProvider> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ZohoOptions _options = options.Value;
    private ZohoAccessToken? _current;

    public async Task<ZohoAccessToken> GetAsync(CancellationToken cancellationToken)
    {
        if (Valid(_current) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Valid(_current) ?? (_current = await RefreshAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the token Zoho rejected, unless a concurrent caller has already replaced it.</summary>
    public void Invalidate(ZohoAccessToken rejected) => Interlocked.CompareExchange(ref _current, null, rejected);

    public void Dispose() => _gate.Dispose();

    private ZohoAccessToken? Valid(ZohoAccessToken? token) =>
        token is not null && time.GetUtcNow() < token.ExpiresAt - _options.TokenRefreshMargin ? token : null;

    private async Task<ZohoAccessToken> RefreshAsync(CancellationToken cancellationToken)
    {
        // Form fields, never query parameters: URLs end up in logs and traces, form bodies do not.
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["refresh_token"] = _options.RefreshToken ?? "",
            ["client_id"] = _options.ClientId ?? "",
            ["client_secret"] = _options.ClientSecret ?? "",
            ["grant_type"] = "refresh_token",
        });
        JsonNode? body;
        int status;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            using var response = await http.Client.PostAsync(new Uri(_options.AccountsUrl, "/oauth/v2/token"), content, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            body = await ZohoBooksClient.ReadJsonAsync(response, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ZohoException(ZohoErrorKind.Network, "The Zoho accounts server could not be reached to refresh the access token.", inner: ex);
        }

        var accessToken = body?["access_token"]?.GetValue<string>();
        if (status != 200 || string.IsNullOrEmpty(accessToken))
        {
            // Zoho answers a bad refresh token with 200 and {"error":"invalid_code"}; the error name is safe to show.
            var error = body?["error"]?.ToString() ?? $"HTTP {status}";
            // Refreshing too often (10 per 10 minutes) is answered with "too many requests": transient, not a bad secret.
            var throttled = body?["error_description"]?.ToString()?.Contains("too many requests", StringComparison.OrdinalIgnoreCase) == true;
            var kind = status >= 500 ? ZohoErrorKind.ServerError : throttled ? ZohoErrorKind.RateLimited : ZohoErrorKind.TokenRefreshFailed;
            logger.LogError("Zoho token refresh failed: {Error}", error);
            throw new ZohoException(kind, $"Zoho refused to refresh the access token ({error}). Check the Zoho client and refresh token.", status);
        }

        var apiDomain = Uri.TryCreate(body?["api_domain"]?.ToString(), UriKind.Absolute, out var domain) ? domain : new Uri("https://www.zohoapis.eu");
        if (!ZohoHttp.IsZohoApiDomain(apiDomain, _options.AccountsUrl))
        {
            logger.LogError("Zoho token response named an API host that is not Zoho's: {ApiHost}", apiDomain.Host);
            throw new ZohoException(ZohoErrorKind.UnexpectedResponse, "The Zoho accounts server named an API host that is not Zoho's; no request was sent to it.", status);
        }

        var expiresIn = body?["expires_in"]?.GetValue<int>() ?? 3600;
        var token = new ZohoAccessToken(accessToken, apiDomain, time.GetUtcNow().AddSeconds(expiresIn));
        logger.LogInformation("Zoho access token refreshed for {ApiHost}, valid {ExpiresIn}s", apiDomain.Host, expiresIn);
        return token;
    }
}
