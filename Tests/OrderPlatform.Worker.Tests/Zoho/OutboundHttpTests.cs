using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrderPlatform.ServiceDefaults.Outbound;
using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker.Tests.Zoho;

/// <summary>The guard every client with an address from input uses, and Zoho's <c>api_domain</c> check built on it.</summary>
public sealed class OutboundHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(FakeServer Server, Func<int> Hits)> ListenerAsync()
    {
        var hits = 0;
        var server = await FakeServer.StartAsync(app => app.Use((HttpContext context, RequestDelegate _) =>
        {
            Interlocked.Increment(ref hits);
            if (context.Request.Path == "/redirect")
            {
                context.Response.Redirect("/landed");
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync(new string('x', 100_000));
        }));
        return (server, () => hits);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("192.168.0.10", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("2606:4700:4700::1111", false)]
    public void LoopbackPrivateAndLinkLocalAddressesAreRecognised(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, OutboundHttp.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public async Task APrivateTargetIsRefusedBeforeAnythingIsSentUnlessAllowed()
    {
        var (server, hits) = await ListenerAsync();
        await using var _ = server;
        using var guarded = new HttpClient(OutboundHttp.CreateHandler(allowPrivateTargets: false));
        foreach (var host in new[] { "127.0.0.1", "localhost" })
        {
            var url = new UriBuilder(server.Address) { Host = host, Path = "/file" }.Uri;
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync(url, Ct));
            Assert.IsType<OutboundRefusedException>(refused.InnerException);
            Assert.StartsWith($"{host} does not resolve", refused.InnerException.Message);
        }

        Assert.Equal(0, hits());
        using var allowed = new HttpClient(OutboundHttp.CreateHandler(allowPrivateTargets: true));
        Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync(new Uri(server.Address, "/file"), Ct)).StatusCode);
    }

    [Fact]
    public async Task ARedirectIsAnsweredNotFollowedAndABodyPastTheCapIsDropped()
    {
        var (server, hits) = await ListenerAsync();
        await using var _ = server;
        using var http = new HttpClient(OutboundHttp.CreateHandler(allowPrivateTargets: true));

        using var redirect = await http.GetAsync(new Uri(server.Address, "/redirect"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(1, hits());

        using var big = await http.GetAsync(new Uri(server.Address, "/file"), HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Null(await OutboundHttp.ReadCappedAsync(big.Content, 10_000, Ct));
        using var small = await http.GetAsync(new Uri(server.Address, "/file"), HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(100_000, (await OutboundHttp.ReadCappedAsync(small.Content, 100_000, Ct))!.Length);
    }

    [Fact]
    public async Task AnApiDomainThatIsNotZohosGetsNoRequestAndFailsWithoutRetry()
    {
        var (elsewhere, hits) = await ListenerAsync();
        await using var _ = elsewhere;
        await using var fake = await FakeZohoBooks.StartAsync();
        foreach (var domain in new[]
        {
            elsewhere.Address.ToString().TrimEnd('/'), "http://169.254.169.254", "https://www.zohoapis.eu.attacker.example",
            "https://attacker.example/www.zohoapis.eu", "http://www.zohoapis.eu",
        })
        {
            fake.ApiDomain = domain;
            await using var services = ZohoHarness.Services(fake);
            var client = services.GetRequiredService<ZohoBooksClient>();

            var refused = await Assert.ThrowsAsync<ZohoException>(() => client.FindSalesOrdersByReferenceAsync("R-1", Ct));

            Assert.Equal(ZohoErrorKind.UnexpectedResponse, refused.Kind);
            Assert.False(refused.IsRetryable);
        }

        Assert.Equal(0, hits());
        Assert.Equal(0, fake.LookupCalls);
        Assert.True(ZohoHttp.IsZohoApiDomain(new Uri("https://www.zohoapis.com.au"), new Uri("https://accounts.zoho.com.au")));
    }
}
