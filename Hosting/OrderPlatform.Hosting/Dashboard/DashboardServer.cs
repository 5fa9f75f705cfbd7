using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting.Dashboard;

/// <summary>
/// The AppHost's dashboard: a Kestrel server on 127.0.0.1 inside the AppHost process, serving one embedded page and
/// a small JSON API over the live resource snapshots and logs. Every request needs the login token (cookie or bearer).
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private const int BindAttempts = 5;
    private readonly WebApplication _web;

    private DashboardServer(WebApplication web, Uri loginUrl)
    {
        _web = web;
        LoginUrl = loginUrl;
    }

    /// <summary>The URL to open, with the login token; printed on the console.</summary>
    public Uri LoginUrl { get; }

    /// <summary>
    /// Starts the dashboard on <see cref="DistributedApplicationOptions.DashboardPort"/>, or on a free port when that
    /// one is taken (a second AppHost on the same machine must still get a dashboard) or is 0.
    /// </summary>
    public static async Task<DashboardServer> StartAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var auth = new DashboardAuth();
        var port = app.Options.DashboardPort;
        for (var attempt = 1; ; attempt++)
        {
            if (port == 0)
            {
                // The allocator remembers what it handed out, so the dashboard can't take a port a resource is about to bind.
                port = PortAllocator.Allocate();
            }
            var web = Build(app, auth, port);
            try
            {
                await web.StartAsync(cancellationToken).ConfigureAwait(false);
                return new DashboardServer(web, new Uri($"http://localhost:{port}/login?t={auth.Token}"));
            }
            catch (IOException) when (attempt < BindAttempts)
            {
                await web.DisposeAsync().ConfigureAwait(false);
                port = 0;
            }
            catch
            {
                await web.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private static WebApplication Build(DistributedApplication app, DashboardAuth auth, int port)
    {
        // The empty builder reads no configuration and registers no logging: it starts in tens of milliseconds and
        // can't pick up the AppHost's ASPNETCORE_* variables or print request logs into the AppHost console.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
        });
        builder.Services.AddRoutingCore();
        var web = builder.Build();
        web.Use((context, next) => auth.HandleAsync(context, next));
        web.UseRouting();
        web.MapGet("/", context => Asset(context, DashboardAssets.PageHtml, "text/html; charset=utf-8"));
        web.MapGet("/dashboard.js", context => Asset(context, DashboardAssets.Script, "text/javascript; charset=utf-8"));
        web.MapGet("/dashboard.css", context => Asset(context, DashboardAssets.Styles, "text/css; charset=utf-8"));
        new DashboardApi(app).Map(web);
        return web;
    }

    private static Task Asset(HttpContext context, string content, string contentType)
    {
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(content, context.RequestAborted);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _web.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A browser holding a request open must not delay the AppHost's shutdown.
        }
        await _web.DisposeAsync().ConfigureAwait(false);
    }
}
