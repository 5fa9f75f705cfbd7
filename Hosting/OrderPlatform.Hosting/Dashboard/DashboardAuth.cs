using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OrderPlatform.Hosting.Dashboard;

/// <summary>
/// Token login, like Aspire's dashboard: the AppHost prints <c>/login?t=&lt;token&gt;</c>; opening it sets an
/// HttpOnly, SameSite=Strict session cookie. Every other request needs that cookie or <c>Authorization: Bearer
/// &lt;token&gt;</c>. State-changing requests must be POSTs carrying <see cref="ActionHeader"/>, which a cross-site
/// form can't send and a cross-site script can't send without a CORS preflight we never answer.
/// </summary>
internal sealed class DashboardAuth
{
    /// <summary>The header every POST must carry.</summary>
    public const string ActionHeader = "X-Dashboard-Action";

    private const string CookieName = "orderplatform-dashboard";

    // What the page may load: only itself. Inline script and style are refused, so an injected tag can't run.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly byte[] _token;
    private readonly byte[] _session;

    public DashboardAuth()
    {
        // 256 bits each. The cookie holds a separate session key so the login token never sits in the browser's cookie jar.
        Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _token = Encoding.ASCII.GetBytes(Token);
        _session = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
    }

    /// <summary>The login token printed in the console URL.</summary>
    public string Token { get; }

    public Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        if (!IsLoopbackHost(request.Host.Host))
        {
            // A DNS-rebinding page reaches us under its own host name; it has no cookie, but refuse it outright.
            return Reject(context, StatusCodes.Status400BadRequest, "The dashboard answers only on localhost.");
        }
        if (request.Path == "/login")
        {
            return Login(context);
        }
        if (!IsAuthenticated(request))
        {
            return Reject(context, StatusCodes.Status401Unauthorized, "Open the dashboard with the login URL the AppHost printed on its console.");
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !request.Headers.ContainsKey(ActionHeader))
        {
            return Reject(context, StatusCodes.Status403Forbidden, $"Actions need the {ActionHeader} header.");
        }
        return next(context);
    }

    private Task Login(HttpContext context)
    {
        var given = context.Request.Query["t"].ToString();
        if (!Matches(given, _token))
        {
            return Reject(context, StatusCodes.Status401Unauthorized, "That login token is not this AppHost's. Use the URL it printed on its console.");
        }
        context.Response.Cookies.Append(CookieName, Encoding.ASCII.GetString(_session), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
        // Redirecting drops the token from the address bar and from the browser history entry.
        context.Response.Redirect("/");
        return Task.CompletedTask;
    }

    private bool IsAuthenticated(HttpRequest request)
    {
        if (request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie, _session))
        {
            return true;
        }
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && Matches(header[Bearer.Length..].Trim(), _token);
    }

    private static bool Matches(string? given, byte[] expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), expected);

    private static bool IsLoopbackHost(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1";

    private static Task Reject(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}
