using System.Globalization;
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
        var (noisy, quiet) = (NewKey(), NewKey());
        await using var api = new ApiHost(infrastructure, $"orders-limits-{Guid.NewGuid():N}", Budget(3, noisy, quiet));
        var first = api.CreateAuthorizedClient(noisy);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        }

        using var refused = await first.GetAsync("/api/cases?pageSize=1", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<ProblemDetails>(Ct))!.Status);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(HttpStatusCode.OK, (await api.CreateAuthorizedClient(quiet).GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.CreateHttpClient().GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task ReplicasDrawFromOneBudgetPerKey()
    {
        var key = NewKey();
        await using var one = new ApiHost(infrastructure, $"orders-limits-{Guid.NewGuid():N}", Budget(4, key, NewKey()));
        await using var two = new ApiHost(infrastructure, $"orders-limits-{Guid.NewGuid():N}", Budget(4, key, NewKey()));
        var (a, b) = (one.CreateAuthorizedClient(key), two.CreateAuthorizedClient(key));

        foreach (var client in new[] { a, b, a, b })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        }

        // Each replica has served only two: an in-process limiter would still let both through.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await b.GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
    }

    [Fact]
    public async Task WithoutRedisEachReplicaStillEnforcesTheBudget()
    {
        var key = NewKey();
        var settings = Budget(2, key, NewKey());
        // Nothing listens on port 1: the multiplexer never connects, so each request is counted in-process at once (the
        // default async timeout is left as it is: a request must not wait it out).
        settings["ConnectionStrings:redis"] = "127.0.0.1:1,connectTimeout=300,connectRetry=0";
        await using var api = new ApiHost(infrastructure, $"orders-limits-{Guid.NewGuid():N}", settings);
        var client = api.CreateAuthorizedClient(key);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/cases?pageSize=1", Ct)).StatusCode);
        Assert.Contains("counting in this instance only", api.Logs.Text, StringComparison.Ordinal);
    }

    // Fresh keys per test: the budget lives in the suite's shared Redis, keyed by the API key.
    private static string NewKey() => $"limits-{Guid.NewGuid():N}";

    private static Dictionary<string, string?> Budget(int permits, string key0, string key1) => new()
    {
        ["Api:PermitsPerMinute"] = permits.ToString(CultureInfo.InvariantCulture),
        ["Api:Clients:teamsbot:Keys:0"] = key0,
        ["Api:Clients:operator:Keys:0"] = key1,
    };

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
