using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrderPlatform.ServiceDefaults.Auth;

namespace OrderPlatform.FlowRunner.Auth;

/// <summary><c>X-Api-Key</c> against <c>FlowRunner:Keys</c>; each key is a caller named by its position.</summary>
public sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<FlowRunnerOptions> settings)
    : ApiKeyAuthenticationHandler(options, logger, encoder)
{
    protected override IEnumerable<ApiKeyCaller> Callers() =>
        settings.Value.Keys.Select((key, index) => new ApiKeyCaller($"key-{index}", [key], []));
}
