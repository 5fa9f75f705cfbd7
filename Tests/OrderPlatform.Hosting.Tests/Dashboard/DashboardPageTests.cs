using Microsoft.Playwright;
using OrderPlatform.Hosting.Orchestration;
using static Microsoft.Playwright.Assertions;

namespace OrderPlatform.Hosting.Tests.Dashboard;

/// <summary>The dashboard page in real Debian Chromium, reached the way a developer does: through the printed login URL.</summary>
public sealed class DashboardPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>Where the screenshots land: <c>bin/&lt;configuration&gt;/net10.0/TestResults/</c> of this project.</summary>
    public static readonly string ArtifactsDirectory = Path.Combine(AppContext.BaseDirectory, "TestResults");

    [Fact]
    public async Task TheResourcesPageRendersEveryResourceAfterLoggingInWithThePrintedUrl()
    {
        await using var dashboard = await DashboardTestApp.StartAsync();
        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 600 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(dashboard.LoginUrl.ToString());

        Assert.Equal(new Uri(dashboard.BaseAddress, "/"), new Uri(page.Url));
        await Expect(Row(page, "redis").Locator("td.state")).ToHaveTextAsync("Running");
        await Expect(Row(page, "redis").Locator("td.health")).ToHaveTextAsync("Healthy");
        await Expect(Row(page, "redis").Locator("td.kind")).ToHaveTextAsync("Redis");
        await Expect(Row(page, "sleeper").Locator("td.state")).ToHaveTextAsync("Running");
        await Expect(Row(page, "sleeper").Locator("td.kind")).ToHaveTextAsync("Executable");
        await Expect(Row(page, "redis-password").Locator("td.kind")).ToHaveTextAsync("Parameter");
        var redisUrl = dashboard.App.ResourceNotifications.Get("redis")!.Urls["tcp"];
        await Expect(Row(page, "redis").Locator("td.endpoints")).ToHaveTextAsync(redisUrl);
        var sleeperPid = dashboard.App.ResourceNotifications.Get("sleeper")!.ProcessIds.Single();
        await Expect(Row(page, "sleeper").Locator("td.pids")).ToHaveTextAsync(sleeperPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Row(page, "sleeper").Locator("td.started")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#summary")).ToHaveTextAsync("2 resources, 2 healthy");
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        Directory.CreateDirectory(ArtifactsDirectory);
        var screenshot = Path.Combine(ArtifactsDirectory, "dashboard.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 0);
        dashboard.AssertNoSecretIn(await page.ContentAsync(), "the resources page");
    }

    [Fact]
    public async Task StopStartAndRestartButtonsChangeTheResourceState()
    {
        await using var dashboard = await DashboardTestApp.StartAsync();
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(dashboard.LoginUrl.ToString());
        var sleeper = Row(page, "sleeper");
        await Expect(sleeper.Locator("td.state")).ToHaveTextAsync("Running");
        var firstPid = dashboard.App.ResourceNotifications.Get("sleeper")!.ProcessIds.Single();

        await sleeper.Locator("button[data-action=stop]").ClickAsync();
        await Expect(sleeper.Locator("td.state")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Exited"));
        Assert.Equal(KnownResourceStates.Exited, dashboard.App.ResourceNotifications.Get("sleeper")!.State);
        await Expect(sleeper.Locator("td.pids")).ToBeEmptyAsync();
        await Expect(sleeper.Locator("button[data-action=stop]")).ToBeDisabledAsync();

        await sleeper.Locator("button[data-action=start]").ClickAsync();
        await Expect(sleeper.Locator("td.state")).ToHaveTextAsync("Running");
        await Expect(sleeper.Locator("td.restarts")).ToHaveTextAsync("1");
        var secondPid = dashboard.App.ResourceNotifications.Get("sleeper")!.ProcessIds.Single();
        Assert.NotEqual(firstPid, secondPid);

        await sleeper.Locator("button[data-action=restart]").ClickAsync();
        await Expect(sleeper.Locator("td.restarts")).ToHaveTextAsync("2");
        await Expect(sleeper.Locator("td.state")).ToHaveTextAsync("Running");
        var thirdPid = dashboard.App.ResourceNotifications.Get("sleeper")!.ProcessIds.Single();
        Assert.NotEqual(secondPid, thirdPid);
        await Expect(sleeper.Locator("td.pids")).ToHaveTextAsync(thirdPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(KnownResourceStates.Running, dashboard.App.ResourceNotifications.Get("redis")!.State);
    }

    [Fact]
    public async Task TheConsoleStreamsOutputAndTheEnvironmentShowsSecretsMasked()
    {
        await using var dashboard = await DashboardTestApp.StartAsync();
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(dashboard.LoginUrl.ToString());

        await Row(page, "sleeper").Locator("td.name a").First.ClickAsync();
        var lines = page.Locator("#console-lines");
        await Expect(lines).ToContainTextAsync("hello from sleeper");
        await Expect(lines).ToContainTextAsync("key=***");
        // A restart's new output arrives in the open console without reloading the page.
        await dashboard.App.RestartResourceAsync("sleeper");
        await Expect(lines.Locator("span", new() { HasText = "hello from sleeper" })).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Directory.CreateDirectory(ArtifactsDirectory).FullName, "dashboard-console.png") });
        dashboard.AssertNoSecretIn(await page.ContentAsync(), "the console page");

        await page.GotoAsync(new Uri(dashboard.BaseAddress, "/#environment/sleeper").ToString());
        var variable = (string name) => page.Locator("#environment tbody tr", new() { Has = page.Locator("td:first-child", new() { HasTextString = name }) }).Locator("td").Nth(1);
        await Expect(variable("UPSTREAM_KEY")).ToHaveTextAsync("***");
        await Expect(variable("ConnectionStrings__redis")).ToHaveTextAsync("***");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Directory.CreateDirectory(ArtifactsDirectory).FullName, "dashboard-environment.png") });
        dashboard.AssertNoSecretIn(await page.ContentAsync(), "the environment page");
    }

    private static ILocator Row(IPage page, string resource) => page.Locator($"#resources tr[data-resource=\"{resource}\"]");
}
