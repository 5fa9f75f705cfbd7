using Microsoft.Extensions.Options;
using OrderPlatform.ServiceDefaults.Outbound;

namespace OrderPlatform.Worker.Zoho;

/// <summary>
/// The one HttpClient every Zoho call uses. Deliberately not from IHttpClientFactory: the service defaults add a
/// standard resilience handler to every factory client, and it would resend a POST that timed out and so create a
/// duplicate order. Retries belong to <see cref="ZohoDraftService"/> (lookup first) and the activity's retry policy.
/// The API host comes from the token response, so the client follows no redirect and reaches private addresses only
/// when the accounts server itself is configured on one (a local fake).
/// </summary>
public sealed class ZohoHttp(IOptions<ZohoOptions> options) : IDisposable
{
    public HttpClient Client { get; } = new(OutboundHttp.CreateHandler(options.Value.AccountsUrl.IsLoopback))
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// Zoho's data centres answer <c>https://www.zohoapis.{tld}</c>; anything else in <c>api_domain</c> is refused
    /// rather than sent our access token, except the configured accounts server's own host (a fake serves both).
    /// </summary>
    public static bool IsZohoApiDomain(Uri apiDomain, Uri accountsUrl) =>
        apiDomain.UserInfo.Length == 0 && apiDomain.AbsolutePath == "/"
        && ((apiDomain.Scheme == Uri.UriSchemeHttps && apiDomain.Host.StartsWith("www.zohoapis.", StringComparison.OrdinalIgnoreCase)
                && apiDomain.Host.Count(c => c == '.') <= 3 && apiDomain.IsDefaultPort)
            || (apiDomain.Scheme == accountsUrl.Scheme && apiDomain.Authority.Equals(accountsUrl.Authority, StringComparison.OrdinalIgnoreCase)));

    public void Dispose() => Client.Dispose();
}
