using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrderPlatform.ServiceDefaults.Auth;

namespace OrderPlatform.Api.Auth;

/// <summary>The Api's callers (<c>Api:Clients:{name}</c>, see <see cref="ApiClient"/>) and the per-key request budget.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    public Dictionary<string, ApiClient> Clients { get; } = new(StringComparer.OrdinalIgnoreCase);

    [Range(1, 100_000)]
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>Signals (corrections, approve, cancel) one case takes in all; see <see cref="Workflow.SignalLimits"/>.</summary>
    [Range(1, Workflow.SignalLimits.MaxPerCaseCeiling)]
    public int MaxSignalsPerCase { get; set; } = Workflow.SignalLimits.DefaultPerCase;
}

/// <summary>The Api's callers: each client with its keys, its scopes and tenants as claims (<see cref="ApiCaller"/>).</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<ApiOptions> api)
    : ServiceDefaults.Auth.ApiKeyAuthenticationHandler(options, logger, encoder)
{
    protected override IEnumerable<ApiKeyCaller> Callers() => api.Value.Clients.Select(c => new ApiKeyCaller(
        c.Key, c.Value.Keys,
        [.. c.Value.Scopes.Select(scope => new Claim(ApiCaller.ScopeClaim, scope)), .. c.Value.Tenants.Select(tenant => new Claim(ApiCaller.TenantClaim, tenant))]));
}
