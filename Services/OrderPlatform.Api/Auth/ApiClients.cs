using System.Security.Claims;
using Microsoft.Extensions.Options;
using OrderPlatform.Cases;

namespace OrderPlatform.Api.Auth;

/// <summary>What a key may do (<c>Api:Clients:{name}:Scopes</c>).</summary>
public static class ApiScopes
{
    /// <summary>Upload, start, read, list, signal and cancel cases of the client's tenants.</summary>
    public const string Orders = "orders";

    /// <summary>The Teams bot: may attach the Teams conversation a case's results go to. Anyone else's is ignored.</summary>
    public const string Bot = "bot";

    public static readonly string[] All = [Orders, Bot];
}

/// <summary>
/// One caller of the Api: its keys (<c>Keys:0</c>, <c>Keys:1</c>, … so a key can be rolled over), what it may do and the
/// tenants it may act for (<c>*</c> for every tenant, for the bot, which checks its own tenant allow-list).
/// </summary>
public sealed class ApiClient
{
    public string[] Keys { get; set; } = [];

    public string[] Scopes { get; set; } = [];

    public string[] Tenants { get; set; } = [];
}

/// <summary>Refuses a client that could never be used, or one that would be let in further than meant.</summary>
public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        if (options.Clients.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                "Set at least one client in Api:Clients:{name} with Keys, Scopes and Tenants (the AppHost configures Api:Clients:teamsbot).");
        }

        var errors = new List<string>();
        foreach (var (client, settings) in options.Clients)
        {
            if (settings.Keys.Length == 0 || settings.Keys.Any(k => k.Length < 16))
            {
                errors.Add($"Api:Clients:{client}:Keys needs at least one key of 16 characters or more.");
            }

            if (settings.Scopes.Length == 0 || settings.Scopes.Except(ApiScopes.All, StringComparer.Ordinal).Any())
            {
                errors.Add($"Api:Clients:{client}:Scopes must list some of {string.Join(", ", ApiScopes.All)}.");
            }

            if (settings.Tenants.Length == 0 || settings.Tenants.Any(t => t != ApiCaller.AnyTenant && !OrderBlobAddress.IsSafeId(t)))
            {
                errors.Add($"Api:Clients:{client}:Tenants must list tenant ids, or * for every tenant.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The authenticated client's scopes and tenants, as claims on the principal.</summary>
public static class ApiCaller
{
    public const string AnyTenant = "*";
    public const string ScopeClaim = "scope";
    public const string TenantClaim = "tenant";

    public static bool HasScope(this ClaimsPrincipal user, string scope) => user.HasClaim(ScopeClaim, scope);

    public static bool MayActFor(this ClaimsPrincipal user, string tenantId) =>
        user.HasClaim(TenantClaim, AnyTenant) || user.HasClaim(TenantClaim, tenantId);

    /// <summary>The tenants a listing is limited to; null when the client may see every tenant.</summary>
    public static IReadOnlyList<string>? TenantFilter(this ClaimsPrincipal user) =>
        user.HasClaim(TenantClaim, AnyTenant) ? null : [.. user.FindAll(TenantClaim).Select(c => c.Value)];
}

public static class CaseAccess
{
    /// <summary>The case, or null when it does not exist or belongs to a tenant the caller may not act for: both are a 404.</summary>
    public static async Task<CaseDocument?> FindForAsync(this ICaseStore cases, ClaimsPrincipal user, string caseId, CancellationToken ct) =>
        await cases.FindAsync(caseId, ct).ConfigureAwait(false) is { } found && user.MayActFor(found.TenantId) ? found : null;
}
