using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace OrderPlatform.AppHost.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task TheAppHostModelHasTheArchitectureResources()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(TestContext.Current.CancellationToken);
        var names = builder.Resources.Select(r => r.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "postgres", "ordersdb", "flowsdb", "redis", "storage", "blobs", "queues", "cosmos", "orders", "temporal", "api", "teamsbot", "worker" }, names);
    }
}
