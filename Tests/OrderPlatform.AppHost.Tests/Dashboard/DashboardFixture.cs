using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using OrderPlatform.Tests;

namespace OrderPlatform.AppHost.Tests.Dashboard;

/// <summary>
/// The whole AppHost started once, with the real dashboard (Aspire.Hosting.Testing's dashboard testing mode: http,
/// random ports, browser-token login) and local processes instead of containers, and a headless Debian Chromium logged
/// into it. Whatever fails while starting disposes what was already started, so no AppHost or browser outlives a run.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium (Playwright cannot download its own browser here); <c>CHROMIUM_PATH</c> overrides it.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The resources the fixture waits healthy for before the browser opens.</summary>
    public static readonly string[] Resources = ["postgres", "redis", "storage", "temporal", "api", "teamsbot", "worker"];

    /// <summary>
    /// The rows the Resources page must show Running and healthy: those, and the children of the local processes
    /// (Postgres' databases, the storage account's blobs and queues).
    /// </summary>
    public static readonly string[] ResourceRows = [.. Resources, "ordersdb", "flowsdb", "blobs", "queues"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string _apiKey = "dashboard-tests-" + Guid.NewGuid().ToString("N");
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private Task<UploadedOrder>? _order;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The dashboard's base address (no token).</summary>
    public Uri DashboardUrl { get; private set; } = null!;

    /// <summary>A page logged into the dashboard; tests in the class run one after another and share it.</summary>
    public IPage Page { get; private set; } = null!;

    /// <summary>Where the screenshots go: <c>TestResults/screenshots</c> under the test output folder.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}; install it with: sudo apt-get install -y chromium");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(
                new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
                ["--LocalProcesses:Runtime=local", $"--Parameters:api-key={_apiKey}"],
                timeout.Token);
            App = await TestApps.StartAsync(builder, Resources, timeout.Token, timeoutSeconds: (int)StartTimeout.TotalSeconds);

            var login = await App.GetDashboardUrlAsync(timeout.Token);
            DashboardUrl = new Uri(login.GetLeftPart(UriPartial.Authority));

            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox"],
                Timeout = 60_000,
            });
            var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
            context.SetDefaultTimeout(60_000);
            Page = await context.NewPageAsync();
            await Page.GotoAsync(login.ToString());
            // The token login sets the auth cookie and redirects away from /login.
            await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.OrdinalIgnoreCase));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Uploads one order through the Api (once per class) under a trace id the test chose, so the trace and the
    /// worker's log lines can be found by that id; the Api starts the workflow and the Worker runs its activities.
    /// </summary>
    public Task<UploadedOrder> UploadOrderAsync() => _order ??= UploadCoreAsync();

    private async Task<UploadedOrder> UploadCoreAsync()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var http = App.CreateHttpClient("api");
        http.DefaultRequestHeaders.Add("X-Api-Key", _apiKey);
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(MinimalXlsx.Order("10001", "PO-DASHBOARD-1"));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        content.Add(file, "file", "dashboard-order.xlsx");
        content.Add(new StringContent("tenant-dashboard"), "tenantId");
        content.Add(new StringContent("user-dashboard"), "userId");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = content };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"POST /api/orders answered {(int)response.StatusCode}: {body}");
        var caseId = JsonDocument.Parse(body).RootElement.GetProperty("caseId").GetString()!;
        return new UploadedOrder(traceId.ToHexString(), caseId);
    }

    /// <summary>Saves a full-page screenshot as a file and as a test attachment.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        var bytes = await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name + ".png", bytes, "image/png");
        TestContext.Current.SendDiagnosticMessage($"screenshot: {path}");
    }

    /// <summary>On a failed wait: a screenshot and the page's HTML, then the failure with both paths.</summary>
    public async Task<Exception> PageFailureAsync(string name, string what, Exception inner)
    {
        try
        {
            await ScreenshotAsync(name + "-failed");
            await File.WriteAllTextAsync(Path.Combine(ScreenshotDirectory, name + "-failed.html"), await Page.ContentAsync());
        }
        catch (PlaywrightException)
        {
        }
        return new TimeoutException($"{what} (see {Path.Combine(ScreenshotDirectory, name + "-failed.png")} and .html)", inner);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            try
            {
                await _browser.CloseAsync();
            }
            catch (PlaywrightException)
            {
            }
            _browser = null;
        }
        _playwright?.Dispose();
        _playwright = null;
        if (App is not null)
        {
            await App.DisposeAsync();
            App = null!;
        }
    }
}

/// <summary>The order the fixture uploaded: the trace the request ran under and the case the Api created.</summary>
public sealed record UploadedOrder(string TraceId, string CaseId);
