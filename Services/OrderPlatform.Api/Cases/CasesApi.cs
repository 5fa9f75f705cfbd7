using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrderPlatform.Api.Auth;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Api.Cases;

public static class CasesApi
{
    public static RouteGroupBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cases").WithTags("Cases").RequireAuthorization(ApiScopes.Orders).RequireRateLimiting(ApiExtensions.PerKeyPolicy);
        api.MapGet("/", ListAsync).WithSummary("Cases, newest first, filtered by tenant and status");
        api.MapGet("/{id}/events", GetEventsAsync).WithSummary("The case's audit trail");
        return api;
    }

    public static async Task<Results<Ok<CasePage>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, ICaseStore cases, CancellationToken ct,
        string? tenantId = null, CaseStatus? status = null, int page = 1, int pageSize = 50)
    {
        if (page < 1 || pageSize is < 1 or > 200)
        {
            return TypedResults.Problem("page starts at 1 and pageSize is 1 to 200.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid paging");
        }

        // Another tenant's list answers like a tenant that does not exist, so a key cannot probe for tenants.
        if (tenantId is not null && !user.MayActFor(tenantId))
        {
            return TypedResults.Problem($"No tenant {tenantId}.", statusCode: StatusCodes.Status404NotFound, title: "Tenant not found");
        }

        return TypedResults.Ok(await cases.ListAsync(new CaseQuery(tenantId, status, page, pageSize, user.TenantFilter()), ct));
    }

    public static async Task<Results<Ok<IReadOnlyList<CaseEvent>>, ProblemHttpResult>> GetEventsAsync(string id, ClaimsPrincipal user, ICaseStore cases,
        CancellationToken ct)
    {
        if (await cases.FindForAsync(user, id, ct) is null)
        {
            return TypedResults.Problem($"No case {id}.", statusCode: StatusCodes.Status404NotFound, title: "Case not found");
        }

        return TypedResults.Ok(await cases.GetEventsAsync(id, ct));
    }
}
