using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrderPlatform.FlowRunner.Runs;

namespace OrderPlatform.FlowRunner.Ui;

/// <summary>
/// The runs page under <c>/ui</c>: flows with their recent runs, a run's step timeline, cancel and rerun. Server-rendered
/// HTML with no script at all; the session cookie is HttpOnly and SameSite=Strict, every POST also needs the session's
/// form token and a same-origin browser, and the JSON API never accepts the cookie (its scheme is the API key alone).
/// </summary>
public static class RunsPage
{
    private const int MaxFormBytes = 4096;

    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["canceled"] = "Canceled.",
        ["finished"] = "The run had already finished: nothing to cancel.",
        ["rerun"] = "Rerun queued: this is the new run.",
        ["not-rerunnable"] = "Only failed, timed-out or canceled runs can be rerun.",
        ["not-published"] = "The flow has no published version to rerun on.",
        ["already-rerun"] = "This run was rerun already; rerun the newer run to try again.",
    };

    public static IServiceCollection AddRunsPage(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UiSessions>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<RunsPageQueries>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, UiSessionHandler>(UiSessionHandler.SchemeName, null);
        return services;
    }

    public static RouteGroupBuilder MapRunsPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", () => Results.Redirect("/ui/")).ExcludeFromDescription();
        var ui = routes.MapGroup("/ui").ExcludeFromDescription().AddEndpointFilter(SecurityHeaders);
        ui.MapGet("/app.css", () => Results.Text(RunsPageStyle.Css, "text/css; charset=utf-8")).AllowAnonymous();
        ui.MapGet("/login", () => Page("Sign in", RunsPageViews.Login(null), null)).AllowAnonymous();
        ui.MapPost("/login", Login).AllowAnonymous();

        var session = ui.MapGroup("").RequireAuthorization(new AuthorizationPolicyBuilder(UiSessionHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddEndpointFilter<Auth.PerKeyRateLimit>();
        session.MapGet("/", Home);
        session.MapGet("/flows/{flowId:guid}", Flow);
        session.MapGet("/runs/{runId:guid}", Run);
        var posts = session.MapGroup("").AddEndpointFilter(RequireFormToken);
        posts.MapPost("/runs/{runId:guid}/cancel", Cancel);
        posts.MapPost("/runs/{runId:guid}/rerun", Rerun);
        posts.MapPost("/logout", (HttpContext http) =>
        {
            UiSessions.SetCookie(http, null);
            return Results.Redirect("/ui/login", preserveMethod: false);
        });
        return ui;
    }

    private static async Task<IResult> Login(HttpContext http, UiSessions sessions, LoginThrottle throttle)
    {
        var form = SameOrigin(http.Request) ? await ReadFormAsync(http.Request) : null;
        if (form?["key"].ToString() is not { Length: > 0 } key)
        {
            return Page("Sign in", RunsPageViews.Login("Type an API key."), null, StatusCodes.Status400BadRequest);
        }

        if (await throttle.RetryAfterAsync(http, key) is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page("Sign in", RunsPageViews.Login("Too many failed sign-ins; try again later."), null, StatusCodes.Status429TooManyRequests);
        }

        if (sessions.Issue(key) is not { } cookie)
        {
            await throttle.FailedAsync(http, key);
            return Page("Sign in", RunsPageViews.Login("That key is not one of this FlowRunner's keys."), null, StatusCodes.Status401Unauthorized);
        }

        UiSessions.SetCookie(http, cookie);
        return Results.Redirect("/ui/");
    }

    private static async Task<IResult> Home(ClaimsPrincipal user, RunsPageQueries queries, CancellationToken ct) =>
        Page("Flows", RunsPageViews.Flows(await queries.FlowsAsync(null, 10, ct), single: false), Csrf(user));

    private static async Task<IResult> Flow(Guid flowId, ClaimsPrincipal user, RunsPageQueries queries, CancellationToken ct) =>
        await queries.FlowsAsync(flowId, 100, ct) is { Count: > 0 } flows
            ? Page(flows[0].Name, RunsPageViews.Flows(flows, single: true), Csrf(user))
            : Page("Not found", RunsPageViews.NotFound("No flow has this id."), Csrf(user), StatusCodes.Status404NotFound);

    private static async Task<IResult> Run(Guid runId, string? notice, ClaimsPrincipal user, RunQueries runs, RunsPageQueries queries, CancellationToken ct)
    {
        if (await runs.GetAsync(runId, ct) is not { } run || await queries.LineageAsync(runId, ct) is not { } lineage)
        {
            return Page("Not found", RunsPageViews.NotFound("No run has this id."), Csrf(user), StatusCodes.Status404NotFound);
        }

        var body = RunsPageViews.Run(run, lineage, await runs.StepsAsync(runId, ct), await runs.TriggerAsync(runId, ct),
            notice is null ? null : Notices.GetValueOrDefault(notice), Csrf(user) ?? "");
        return Page($"Run {runId.ToString()[^12..]}", body, Csrf(user));
    }

    private static async Task<IResult> Cancel(Guid runId, RunCommands commands, CancellationToken ct) =>
        Results.Redirect($"/ui/runs/{runId}?notice={(await commands.CancelAsync(runId, ct) ? "canceled" : "finished")}");

    private static async Task<IResult> Rerun(Guid runId, HttpContext http, RunCommands commands, CancellationToken ct)
    {
        var strategy = (await ReadFormAsync(http.Request))?["strategy"].ToString();
        if (strategy is null || !RerunStrategy.All.Contains(strategy))
        {
            return Results.BadRequest();
        }

        var outcome = await commands.RerunAsync(runId, strategy, ct);
        return outcome.Result switch
        {
            RerunResult.Created => Results.Redirect($"/ui/runs/{outcome.RunId}?notice=rerun"),
            RerunResult.NotFound => Results.NotFound(),
            RerunResult.NotRerunnable => Results.Redirect($"/ui/runs/{runId}?notice=not-rerunnable"),
            RerunResult.NotPublished => Results.Redirect($"/ui/runs/{runId}?notice=not-published"),
            _ => Results.Redirect($"/ui/runs/{runId}?notice=already-rerun"),
        };
    }

    // Clickjacking (the buttons), caching of run data, sniffing and referrers (same-origin, not no-referrer: with that,
    // browsers post "Origin: null"); the page runs no script, so the CSP allows none.
    private static async ValueTask<object?> SecurityHeaders(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "same-origin";
        return await next(context);
    }

    // SameSite=Strict already keeps the cookie off cross-site posts; the token and the origin check hold without it.
    private static async ValueTask<object?> RequireFormToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var expected = Csrf(http.User);
        var presented = SameOrigin(http.Request) ? (await ReadFormAsync(http.Request))?["csrf"].ToString() : null;
        if (expected is null || presented is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented)))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Form token missing or wrong", detail: "Reload the page and try again.");
        }

        return await next(context);
    }

    // A browser says where a post came from (Sec-Fetch-Site, Origin); a client that says nothing is judged by the token.
    private static bool SameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin")
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    // Bounded: a url-encoded form of a few fields (ASP.NET caches the parsed form, so the token filter and the handler share it).
    private static async Task<IFormCollection?> ReadFormAsync(HttpRequest request) =>
        request.ContentLength is > 0 and <= MaxFormBytes
        && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            ? await request.ReadFormAsync(request.HttpContext.RequestAborted)
            : null;

    private static string? Csrf(ClaimsPrincipal user) => user.FindFirst(UiSessionHandler.CsrfClaim)?.Value;

    private static IResult Page(string title, Html body, string? csrf, int status = StatusCodes.Status200OK) =>
        RunsPageViews.Layout(title, body, csrf).ToResult(status);
}
