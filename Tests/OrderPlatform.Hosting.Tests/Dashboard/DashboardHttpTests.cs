using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting.Tests.Dashboard;

public sealed class DashboardHttpTests
{
    private const string ActionHeader = "X-Dashboard-Action";

    [Fact]
    public async Task RequestsWithoutTheLoginTokenAreRejectedForPagesApisAndActions()
    {
        await using var dashboard = await DashboardTestApp.StartAsync();
        using var anonymous = dashboard.CreateClient();
        using var wrongBearer = dashboard.CreateClient(new string('0', dashboard.Token.Length));
        var ct = TestTimeouts.Short;

        Assert.True(dashboard.Token.Length >= 32, "The login token carries fewer than 128 bits.");
        foreach (var path in new[] { "/", "/dashboard.js", "/api/resources", "/api/resources/sleeper/environment", "/api/resources/sleeper/logs?after=0" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path, ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongBearer.GetAsync(path, ct)).StatusCode);
        }
        using var anonymousStop = new HttpRequestMessage(HttpMethod.Post, "/api/resources/sleeper/stop") { Headers = { { ActionHeader, "1" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(anonymousStop, ct)).StatusCode);
        using var wrongLogin = await anonymous.GetAsync("/login?t=" + new string('f', dashboard.Token.Length), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongLogin.StatusCode);
        Assert.False(wrongLogin.Headers.Contains("Set-Cookie"));

        Assert.Equal(KnownResourceStates.Running, dashboard.App.ResourceNotifications.Get("sleeper")!.State);
    }

    [Fact]
    public async Task TheLoginUrlSetsAStrictHttpOnlyCookieAndTheBearerTokenAlsoWorks()
    {
        await using var dashboard = await DashboardTestApp.StartAsync();
        using var anonymous = dashboard.CreateClient();
        using var bearer = dashboard.CreateClient(dashboard.Token);
        var ct = TestTimeouts.Short;

        using var login = await anonymous.GetAsync(dashboard.LoginUrl.PathAndQuery, ct);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(dashboard.Token, cookie, StringComparison.Ordinal);

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/resources") { Headers = { { "Cookie", cookie.Split(';')[0] } } };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(withCookie, ct)).StatusCode);
        using var page = await bearer.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await bearer.GetStringAsync("/api/resources", ct));
        var names = json.RootElement.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(["upstream-key", "redis-password", "redis", "sleeper"], names);
    }

    [Fact]
    public async Task ActionsNeedAPostWithTheActionHeaderSoAnotherSiteCannotTriggerThem()
    {
        await using var dashboard = await DashboardTestApp.StartAsync();
        using var bearer = dashboard.CreateClient(dashboard.Token);
        var ct = TestTimeouts.Short;

        using var noHeader = await bearer.PostAsync("/api/resources/sleeper/stop", null, ct);
        Assert.Equal(HttpStatusCode.Forbidden, noHeader.StatusCode);
        using var asGet = await bearer.GetAsync("/api/resources/sleeper/stop", ct);
        Assert.False(asGet.IsSuccessStatusCode, $"GET on an action answered {asGet.StatusCode}.");
        Assert.Equal(KnownResourceStates.Running, dashboard.App.ResourceNotifications.Get("sleeper")!.State);

        using var stop = new HttpRequestMessage(HttpMethod.Post, "/api/resources/sleeper/stop") { Headers = { { ActionHeader, "1" } } };
        Assert.Equal(HttpStatusCode.Accepted, (await bearer.SendAsync(stop, ct)).StatusCode);
        await dashboard.App.ResourceNotifications.WaitForResourceAsync("sleeper", KnownResourceStates.Exited, TestTimeouts.Short);
        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/resources/redis-password/stop") { Headers = { { ActionHeader, "1" } } };
        Assert.Equal(HttpStatusCode.NotFound, (await bearer.SendAsync(unknown, ct)).StatusCode);
    }

    [Fact]
    public async Task SecretValuesNeverAppearInTheDashboardHtmlOrJson()
    {
        await using var dashboard = await DashboardTestApp.StartAsync();
        using var bearer = dashboard.CreateClient(dashboard.Token);
        var ct = TestTimeouts.Short;

        var logs = await PollAsync(() => bearer.GetStringAsync("/api/resources/sleeper/logs?after=0", ct), body => body.Contains("key=", StringComparison.Ordinal), ct);
        Assert.Contains("key=***", logs, StringComparison.Ordinal);
        var environment = await bearer.GetStringAsync("/api/resources/sleeper/environment", ct);
        using (var env = JsonDocument.Parse(environment))
        {
            var values = env.RootElement.GetProperty("variables").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("value").GetString());
            Assert.Equal("***", values["UPSTREAM_KEY"]);
            Assert.Equal("***", values["ConnectionStrings__redis"]);
        }
        var bodies = new Dictionary<string, string> { ["sleeper logs"] = logs, ["sleeper environment"] = environment };
        foreach (var path in new[] { "/", "/dashboard.js", "/dashboard.css", "/api/resources" })
        {
            bodies[path] = await bearer.GetStringAsync(path, ct);
        }
        foreach (var name in new[] { "upstream-key", "redis-password", "redis" })
        {
            bodies[name + " environment"] = await bearer.GetStringAsync($"/api/resources/{name}/environment", ct);
            bodies[name + " logs"] = await bearer.GetStringAsync($"/api/resources/{name}/logs?after=0", ct);
        }
        foreach (var (where, body) in bodies)
        {
            dashboard.AssertNoSecretIn(body, where);
        }
    }

    [Fact]
    public async Task ABusyDashboardPortFallsBackToAFreeOne()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var busy = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var dashboard = await DashboardTestApp.StartAsync(b => b.Options.DashboardPort = busy);
        using var bearer = dashboard.CreateClient(dashboard.Token);

        Assert.NotEqual(busy, dashboard.BaseAddress.Port);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/resources", TestTimeouts.Short)).StatusCode);
    }

    [Theory]
    [InlineData("--no-dashboard")]
    [InlineData("Dashboard:Enabled=false")]
    public async Task TheDashboardCanBeTurnedOff(string argument)
    {
        // The testing builder always turns the dashboard off, so this builds the way an AppHost's Main does.
        var options = DistributedApplicationOptions.Parse([argument]);
        options.IsTesting = true;
        options.ConsoleProgress = false;
        options.Runtime = "local";
        options.DataDirectory = Path.Combine(Path.GetTempPath(), "orderplatform-test-" + Guid.NewGuid().ToString("N")[..12]);
        var builder = new DistributedApplicationBuilder(options, AppContext.BaseDirectory);
        builder.AddExecutable("sleeper", "sh", ".", "-c", "exec sleep 600");
        await using var app = builder.BuildCore();
        await app.StartAsync(TestTimeouts.Start);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("sleeper", TestTimeouts.Start);

        Assert.False(app.Options.DashboardEnabled);
        Assert.Null(app.DashboardLoginUrl);
    }

    private static async Task<string> PollAsync(Func<Task<string>> fetch, Func<string, bool> done, CancellationToken ct)
    {
        while (true)
        {
            var body = await fetch();
            if (done(body))
            {
                return body;
            }
            await Task.Delay(100, ct);
        }
    }
}
