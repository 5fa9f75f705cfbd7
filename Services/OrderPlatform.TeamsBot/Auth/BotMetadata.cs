using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace OrderPlatform.TeamsBot.Auth;

/// <summary>
/// One cached OpenID configuration per token family (Bot Service and Entra). The managers cache the signing keys,
/// refresh them every 12 hours like the Agents sample, and refetch on demand when a token names an unknown key.
/// </summary>
public sealed class BotMetadata
{
    public const string HttpClientName = "openid-metadata";

    public BotMetadata(IHttpClientFactory httpClientFactory, IOptions<BotOptions> options, IHostEnvironment environment)
    {
        BotService = Create(options.Value.OpenIdMetadataUrl, httpClientFactory, environment);
        Entra = Create(options.Value.EntraOpenIdMetadataUrl, httpClientFactory, environment);
    }

    public ConfigurationManager<OpenIdConnectConfiguration> BotService { get; }

    public ConfigurationManager<OpenIdConnectConfiguration> Entra { get; }

    private static ConfigurationManager<OpenIdConnectConfiguration> Create(
        string url, IHttpClientFactory httpClientFactory, IHostEnvironment environment)
    {
        // Plain http metadata is only tolerated for a loopback fake connector while developing.
        var retriever = new HttpDocumentRetriever(httpClientFactory.CreateClient(HttpClientName))
        {
            RequireHttps = !(environment.IsDevelopment() && new Uri(url).IsLoopback),
        };
        return new ConfigurationManager<OpenIdConnectConfiguration>(url, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(12),
        };
    }
}
