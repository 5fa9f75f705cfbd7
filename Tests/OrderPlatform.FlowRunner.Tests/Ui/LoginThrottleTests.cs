using System.Net;

namespace OrderPlatform.FlowRunner.Tests.Ui;

/// <summary>Failed runs-page sign-ins are bounded per client address and per presented key, over real Redis.</summary>
public sealed class LoginThrottleTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure, new Dictionary<string, string?>
    {
        ["FlowRunner:LoginFailures"] = "3",
        ["FlowRunner:LoginFailureWindow"] = "00:10:00",
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAddressWithTooManyFailedSignInsGets429WithRetryAfterWhileAnotherAddressSignsIn()
    {
        using var browser = _host.NoRedirects();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await LoginAsync(browser, $"guess-{i}", "203.0.113.5");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Even the right key: the address is over its budget, so the key is not checked at all.
        using var blocked = await LoginAsync(browser, FlowRunnerHost.Key, "203.0.113.5");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        var retryAfter = int.Parse(blocked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);
        Assert.DoesNotContain("Set-Cookie", blocked.Headers.Select(h => h.Key));

        using var other = await LoginAsync(browser, FlowRunnerHost.Key, "203.0.113.6");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    [Fact]
    public async Task OneKeyTriedFromManyAddressesIsBoundedToo()
    {
        using var browser = _host.NoRedirects();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await LoginAsync(browser, "the-old-key", $"198.51.100.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var blocked = await LoginAsync(browser, "the-old-key", "198.51.100.9");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.Contains("Retry-After"));
        using var right = await LoginAsync(browser, FlowRunnerHost.Key, "198.51.100.9");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
    }

    // The test client reaches the service on loopback, as the bundle's nginx does, so the forwarded address counts.
    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string key, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ui/login") { Content = new FormUrlEncodedContent([new("key", key)]) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request, Ct);
    }
}
