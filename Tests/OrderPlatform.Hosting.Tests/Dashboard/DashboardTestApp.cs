using System.Net.Http.Headers;
using System.Security.Cryptography;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Testing;

namespace OrderPlatform.Hosting.Tests.Dashboard;

/// <summary>
/// A small graph with the dashboard on: Redis (a generated secret password, a health check, an endpoint) and a
/// shell "sleeper" that gets Redis's connection string and a configured secret, and prints a line and the secret
/// (which the log buffer must mask) before it sleeps.
/// </summary>
internal sealed class DashboardTestApp : IAsyncDisposable
{
    private DashboardTestApp(DistributedApplication app, string upstreamKey, string redisPassword)
    {
        App = app;
        LoginUrl = new Uri(app.DashboardLoginUrl ?? throw new InvalidOperationException("The dashboard did not start."));
        BaseAddress = new Uri(LoginUrl.GetLeftPart(UriPartial.Authority));
        Token = System.Web.HttpUtility.ParseQueryString(LoginUrl.Query)["t"] ?? throw new InvalidOperationException($"No token in {LoginUrl}.");
        Secrets = [upstreamKey, redisPassword];
    }

    public DistributedApplication App { get; }

    public Uri LoginUrl { get; }

    public Uri BaseAddress { get; }

    public string Token { get; }

    /// <summary>Values that must never reach the browser.</summary>
    public IReadOnlyList<string> Secrets { get; }

    public static async Task<DashboardTestApp> StartAsync(Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Options.DashboardEnabled = true;
        builder.Options.DashboardPort = 0;
        var upstreamKey = "uk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        builder.Configuration["Parameters:upstream-key"] = upstreamKey;
        var key = builder.AddParameter("upstream-key", secret: true);
        var redis = builder.AddRedis("redis");
        // exec: the stop signal goes to the sleeping process itself, not to a shell that would leave it orphaned.
        builder.AddExecutable("sleeper", "sh", ".", "-c", "echo hello from sleeper; echo \"key=$UPSTREAM_KEY\"; exec sleep 600")
            .WithReference(redis)
            .WithEnvironment("UPSTREAM_KEY", key);
        configure?.Invoke(builder);
        var app = await builder.BuildAsync();
        try
        {
            await app.StartAsync(TestTimeouts.Start);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", TestTimeouts.Start);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("sleeper", TestTimeouts.Start);
            var redisPassword = await ((ParameterResource)app.GetResource("redis-password")).GetValueAsync() ?? "";
            Assert.True(redisPassword.Length >= 6, "The generated Redis password is too short to search for.");
            return new DashboardTestApp(app, upstreamKey, redisPassword);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HttpClient on the dashboard that sends no cookie, with the bearer token if asked.</summary>
    public HttpClient CreateClient(string? bearer = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    public void AssertNoSecretIn(string text, string where)
    {
        foreach (var secret in Secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A secret value appears in {where}.");
        }
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
