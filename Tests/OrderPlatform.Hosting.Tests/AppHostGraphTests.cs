using System.Text.Json;
using OrderPlatform.Hosting.Orchestration;
using OrderPlatform.Hosting.Testing;

namespace OrderPlatform.Hosting.Tests;

public sealed class AppHostGraphTests
{
    [Fact]
    public async Task TheAppHostGraphStartsAndTheApiReportsEveryDependencyHealthy()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(TestTimeouts.Short);
        await using var app = await builder.BuildAsync(TestTimeouts.Short);
        await app.StartAsync(TestTimeouts.Start);

        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", TestTimeouts.Start);
        using var http = app.CreateHttpClient("api");
        using var response = await http.GetAsync("/health", TestTimeouts.Short);
        var body = await response.Content.ReadAsStringAsync(TestTimeouts.Short);

        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        var entries = json.RootElement.GetProperty("entries");
        // The checks of Aspire's Npgsql and Redis client integrations, then ours named by the connection.
        foreach (var dependency in new[] { "PostgreSql", "StackExchange.Redis", "blobs", "queues" })
        {
            Assert.Equal("Healthy", entries.GetProperty(dependency).GetProperty("status").GetString());
        }
        foreach (var resource in app.ResourceNotifications.Current.Where(s => s.Kind != "Parameter"))
        {
            var snapshot = await app.ResourceNotifications.WaitForResourceHealthyAsync(resource.Name, TestTimeouts.Start);
            Assert.True(snapshot.IsReady, $"{snapshot.Name} is {snapshot.State}/{snapshot.Health}");
        }
    }

    [Fact]
    public async Task TheApiWaitsForItsDependenciesToBeHealthyBeforeStarting()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(TestTimeouts.Short);
        await using var app = await builder.BuildAsync(TestTimeouts.Short);
        var healthyAt = new Dictionary<string, DateTimeOffset>();
        DateTimeOffset? apiStarting = null;
        using var _ = app.ResourceNotifications.Subscribe(s =>
        {
            lock (healthyAt)
            {
                if (s.IsReady && !healthyAt.ContainsKey(s.Name)) { healthyAt[s.Name] = DateTimeOffset.UtcNow; }
                if (s.Name == "api" && s.State == KnownResourceStates.Starting) { apiStarting ??= DateTimeOffset.UtcNow; }
            }
        });
        await app.StartAsync(TestTimeouts.Start);
        Assert.Equal(KnownResourceStates.Waiting, (await app.ResourceNotifications.WaitForResourceAsync("api", s => s.State != KnownResourceStates.NotStarted, TestTimeouts.Short)).State);

        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", TestTimeouts.Start);

        lock (healthyAt)
        {
            Assert.NotNull(apiStarting);
            foreach (var dependency in new[] { "ordersdb", "redis", "storage" })
            {
                Assert.True(healthyAt[dependency] <= apiStarting, $"api started at {apiStarting:O} before {dependency} was healthy at {healthyAt[dependency]:O}");
            }
        }
    }
}
