using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace OrderPlatform.Orders.Tests;

public sealed class ApiLimitsTests(Infrastructure infrastructure)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachKeyHasItsOwnBudgetAndTheRefusalIsProblemDetails()
    {
        await using var api = new ApiHost(infrastructure, $"orders-limits-{Guid.NewGuid():N}",
            new Dictionary<string, string?> { ["Api:PermitsPerMinute"] = "3" });
        var first = api.CreateAuthorizedClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        }

        using var refused = await first.GetAsync("/api/cases?pageSize=1", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<ProblemDetails>(Ct))!.Status);
        Assert.Equal(HttpStatusCode.OK, (await api.CreateAuthorizedClient(TestKeys.Other).GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.CreateHttpClient().GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task DevelopmentServesTheOpenApiDocumentAndBadPagingIsAProblem()
    {
        await using var api = new ApiHost(infrastructure, $"orders-doc-{Guid.NewGuid():N}");
        var http = api.CreateAuthorizedClient();

        var document = await http.GetStringAsync("/openapi/v1.json", Ct);
        Assert.Contains("/api/orders", document);
        Assert.Contains("/api/workflow/{id}/signal", document);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/scalar/v1", Ct)).StatusCode);

        using var bad = await http.GetAsync("/api/cases?page=0", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }
}
