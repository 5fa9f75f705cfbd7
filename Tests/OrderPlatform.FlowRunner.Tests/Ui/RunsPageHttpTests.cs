using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrderPlatform.FlowRunner.Runs;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests.Ui;

/// <summary>The runs page over plain HTTP: sign-in, the cookie's attributes, escaping, redaction and the form-post guards.</summary>
public sealed partial class RunsPageHttpTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePageNeedsASignInWithAKeyAndItsCookieIsHttpOnlyAndSameSiteStrict()
    {
        using var browser = Browser();
        using var home = await browser.GetAsync("/ui/", Ct);
        Assert.True(home.StatusCode == HttpStatusCode.Redirect, $"{home.StatusCode}: {string.Join(", ", home.Headers.Select(h => h.Key))} {await home.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("/ui/login", home.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/", Ct)).StatusCode);

        using var wrong = await LoginAsync(browser, FlowRunnerHost.Key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        using var login = await LoginAsync(browser, FlowRunnerHost.Key);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var setCookie = login.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=strict", setCookie);
        Assert.Contains("path=/ui", setCookie);
        Assert.DoesNotContain(FlowRunnerHost.Key.ToLowerInvariant(), setCookie);

        using var page = await SendAsync(browser, HttpMethod.Get, "/ui/", Cookie(login));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal(HttpStatusCode.Redirect, (await SendAsync(browser, HttpMethod.Get, "/ui/", "flowrunner-ui=1.2.3")).StatusCode);
        // The API key in a header is the JSON API's credential, not the page's.
        using var keyed = _host.NoRedirects();
        keyed.DefaultRequestHeaders.Add("X-Api-Key", FlowRunnerHost.Key);
        Assert.Equal(HttpStatusCode.Redirect, (await keyed.GetAsync("/ui/", Ct)).StatusCode);
    }

    [Fact]
    public async Task NamesAndLoggedValuesAreEscapedAndSecretLookingValuesRedacted()
    {
        const string name = "<script>alert('flow')</script>";
        using var api = _host.Api();
        var created = await api.PostAsJsonAsync("/api/v1/flows", new JsonObject
        {
            ["displayName"] = name,
            ["definition"] = Flow(Code("login", "return { user: input.user, sessionToken: 'tok-out-secret' };",
                new JsonObject { ["user"] = "{{trigger.body.user}}", ["password"] = "hunter2-secret" })),
        }, Ct);
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        using var hook = await _host.Anonymous().PostAsJsonAsync($"/api/v1/webhooks/{flowId}/draft",
            new { user = "<img src=x onerror=alert(1)>", apiKey = "key-in-body-secret" }, Ct);
        var runId = Guid.Parse(hook.Headers.GetValues("x-webhook-id").Single());
        Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(runId)).Status);

        using var browser = Browser();
        var cookie = Cookie(await LoginAsync(browser, FlowRunnerHost.Key));
        var home = await (await SendAsync(browser, HttpMethod.Get, "/ui/", cookie)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("&lt;script&gt;alert(&#x27;flow&#x27;)&lt;/script&gt;", home);
        Assert.DoesNotContain("<script", home);

        var run = await (await SendAsync(browser, HttpMethod.Get, $"/ui/runs/{runId}", cookie)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("<script", run);
        Assert.DoesNotContain("<img", run);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", run);
        foreach (var secret in new[] { "hunter2-secret", "tok-out-secret", "key-in-body-secret", FlowRunnerHost.Key })
        {
            Assert.DoesNotContain(secret, run);
        }

        Assert.True(RedactedMarker().Count(run) >= 3, run);
    }

    [Fact]
    public async Task AFormPostNeedsTheSessionsTokenAndASameOriginBrowser()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Delay("wait", 60)));
        var runId = await _host.TriggerAsync(flowId);
        await _host.WaitForStatusAsync(runId, s => s == RunStatus.Paused);
        using var browser = Browser();
        var cookie = Cookie(await LoginAsync(browser, FlowRunnerHost.Key));
        var page = await (await SendAsync(browser, HttpMethod.Get, $"/ui/runs/{runId}", cookie)).Content.ReadAsStringAsync(Ct);
        var token = CsrfField().Match(page).Groups[1].Value;
        Assert.Equal(64, token.Length);

        var cancel = $"/ui/runs/{runId}/cancel";
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(browser, HttpMethod.Post, cancel, null, Form(token))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(browser, HttpMethod.Post, cancel, cookie, Form(null))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(browser, HttpMethod.Post, cancel, cookie, Form(new string('0', 64)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(browser, HttpMethod.Post, cancel, cookie, Form(token), ("Origin", "https://evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(browser, HttpMethod.Post, cancel, cookie, Form(token), ("Sec-Fetch-Site", "cross-site"))).StatusCode);
        Assert.Equal(RunStatus.Paused, (await _host.Get<RunQueries>().GetAsync(runId, Ct))!.Status);

        using var done = await SendAsync(browser, HttpMethod.Post, cancel, cookie, Form(token), ("Origin", browser.BaseAddress!.GetLeftPart(UriPartial.Authority)));
        Assert.Equal((HttpStatusCode.Redirect, $"/ui/runs/{runId}?notice=canceled"), (done.StatusCode, done.Headers.Location!.OriginalString));
        Assert.Equal(RunStatus.Canceled, (await _host.Get<RunQueries>().GetAsync(runId, Ct))!.Status);
    }

    private HttpClient Browser() => _host.NoRedirects();

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string key) =>
        client.PostAsync("/ui/login", new FormUrlEncodedContent([new("key", key)]), Ct);

    private static string Cookie(HttpResponseMessage login) => login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

    private static FormUrlEncodedContent Form(string? token) => new(token is null ? [] : [new("csrf", token)]);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? cookie, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        foreach (var (header, value) in headers)
        {
            request.Headers.Add(header, value);
        }

        return await client.SendAsync(request, Ct);
    }

    [GeneratedRegex("name=\"csrf\" value=\"([0-9a-f]+)\"")]
    private static partial Regex CsrfField();

    [GeneratedRegex(@"\*\*REDACTED\*\*")]
    private static partial Regex RedactedMarker();
}
