using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Tests.Zoho;
using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker.Tests.Catalog;

[Collection("postgres")]
public sealed class CatalogSyncTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryPageIsFollowedAndActiveItemsAndCustomersLandInTheReplica()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        var run = Run();
        fake.Items.AddRange(Enumerable.Range(0, 450).Select(i => Item(run, i, $"Schraube {run} Nr {i}")));
        fake.Items.Add(Item(run, 999, "Discontinued", status: "inactive"));
        fake.Contacts.Add(Contact($"{run}01", $"Kunde {run} GmbH", "customer", company: $"Kunde {run} Holding"));
        fake.Contacts.Add(Contact($"{run}02", $"Lieferant {run}", "vendor"));
        await using var services = Services(fake);
        var store = services.GetRequiredService<CatalogStore>();

        var result = await services.GetRequiredService<CatalogSync>().SyncOnceAsync(Ct);

        Assert.Equal((1, 450), (result.Customers, result.Items));
        Assert.Equal(["items 1 200", "items 2 200", "items 3 200", "contacts 1 200"], fake.ListRequests);
        Assert.Equal($"{run}0449", Assert.Single(await store.FindItemsAsync($"SKU-{run}-449", null, null, 5, Ct)).Id);
        var rates = await store.GetRatesAsync([$"{run}0000", $"{run}0449"], Ct);
        Assert.Equal(4.49m, rates[$"{run}0449"]);
        Assert.DoesNotContain(await store.FindItemsAsync($"SKU-{run}-999", null, null, 5, Ct), m => m.Id == $"{run}0999");
        Assert.Equal($"{run}01", Assert.Single(await store.FindCustomersAsync($"Kunde {run} Holding", 5, Ct)).Id);
        Assert.Equal($"{run}01", Assert.Single(await store.FindCustomersAsync($"K-{run}01", 5, Ct)).Id);
        Assert.DoesNotContain(await store.FindCustomersAsync($"Lieferant {run}", 5, Ct), m => m.Id == $"{run}02");
    }

    [Fact]
    public async Task AFailingPageLeavesThePreviousReplicaIntact()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        var run = Run();
        fake.Items.AddRange(Enumerable.Range(0, 250).Select(i => Item(run, i, $"Mutter {run} Nr {i}")));
        fake.Contacts.Add(Contact($"{run}01", $"Kunde {run} KG", "customer"));
        await using var services = Services(fake);
        var sync = services.GetRequiredService<CatalogSync>();
        var store = services.GetRequiredService<CatalogStore>();
        await sync.SyncOnceAsync(Ct);

        fake.Items[0]["name"] = $"Renamed {run} first";
        fake.Items[249]["name"] = $"Renamed {run} last";
        fake.FailPage("items", 2);
        var error = await Assert.ThrowsAsync<ZohoException>(() => sync.SyncOnceAsync(Ct));

        Assert.Equal(ZohoErrorKind.ServerError, error.Kind);
        Assert.Equal($"Mutter {run} Nr 0", Assert.Single(await store.FindItemsAsync($"SKU-{run}-0", null, null, 5, Ct)).Name);
        Assert.Equal($"Mutter {run} Nr 249", Assert.Single(await store.FindItemsAsync($"SKU-{run}-249", null, null, 5, Ct)).Name);

        await sync.SyncOnceAsync(Ct);
        Assert.Equal($"Renamed {run} last", Assert.Single(await store.FindItemsAsync($"SKU-{run}-249", null, null, 5, Ct)).Name);
    }

    [Fact]
    public async Task ItemsAndCustomersZohoNoLongerListsAsActiveAreRemovedFromTheReplica()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        var run = Run();
        fake.Items.AddRange(Enumerable.Range(0, 3).Select(i => Item(run, i, $"Dübel {run} Nr {i}")));
        fake.Contacts.Add(Contact($"{run}01", $"Bleibt {run} GmbH", "customer"));
        fake.Contacts.Add(Contact($"{run}02", $"Geht {run} GmbH", "customer"));
        await using var services = Services(fake);
        var sync = services.GetRequiredService<CatalogSync>();
        var store = services.GetRequiredService<CatalogStore>();
        await sync.SyncOnceAsync(Ct);
        Assert.Single(await store.FindItemsAsync($"SKU-{run}-2", null, null, 5, Ct));

        fake.Items.RemoveAt(2);
        fake.Items[1]["status"] = "inactive";
        fake.Contacts.RemoveAt(1);
        var result = await sync.SyncOnceAsync(Ct);

        Assert.Equal((1, 1), (result.Customers, result.Items));
        Assert.Equal((1, 2), (result.RemovedCustomers, result.RemovedItems));
        // A code that is gone may still find other items by similarity; it must never find its own row again.
        Assert.Equal($"{run}0000", Assert.Single(await store.FindItemsAsync($"SKU-{run}-0", null, null, 5, Ct)).Id);
        Assert.DoesNotContain(await store.FindItemsAsync($"SKU-{run}-1", null, null, 5, Ct), m => m.Id == $"{run}0001");
        Assert.DoesNotContain(await store.FindItemsAsync($"SKU-{run}-2", null, null, 5, Ct), m => m.Id == $"{run}0002");
        Assert.Equal($"{run}01", Assert.Single(await store.FindCustomersAsync($"K-{run}01", 5, Ct)).Id);
        Assert.DoesNotContain(await store.FindCustomersAsync($"Geht {run} GmbH", 5, Ct), m => m.Id == $"{run}02");
    }

    [Fact]
    public async Task AnEmptyListFromZohoNeverEmptiesTheReplica()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        var run = Run();
        fake.Items.Add(Item(run, 0, $"Scheibe {run}"));
        fake.Contacts.Add(Contact($"{run}01", $"Kunde {run} AG", "customer"));
        await using var services = Services(fake);
        var sync = services.GetRequiredService<CatalogSync>();
        var store = services.GetRequiredService<CatalogStore>();
        await sync.SyncOnceAsync(Ct);

        fake.Items.Clear();
        var error = await Assert.ThrowsAsync<ZohoException>(() => sync.SyncOnceAsync(Ct));

        Assert.Equal(ZohoErrorKind.UnexpectedResponse, error.Kind);
        Assert.Contains("refusing to empty", error.Message, StringComparison.Ordinal);
        Assert.Equal($"{run}0000", Assert.Single(await store.FindItemsAsync($"SKU-{run}-0", null, null, 5, Ct)).Id);
    }

    [Fact]
    public void TheSyncWorkflowIsStartedOnlyWhenZohoIsConfigured()
    {
        static IHostApplicationBuilder Builder(bool configured)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            if (configured)
            {
                builder.Configuration["Zoho:ClientId"] = FakeZohoBooks.ClientId;
                builder.Configuration["Zoho:ClientSecret"] = FakeZohoBooks.ClientSecret;
                builder.Configuration["Zoho:RefreshToken"] = FakeZohoBooks.RefreshToken;
                builder.Configuration["Zoho:OrganizationId"] = FakeZohoBooks.Organization;
            }

            builder.AddWorkerServices();
            return builder;
        }

        static int Hosted(IHostApplicationBuilder builder) => builder.Services.Count(d => d.ServiceType == typeof(IHostedService));
        var with = Builder(true);
        var without = Builder(false);

        Assert.Equal(Hosted(without) + 1, Hosted(with));
        Assert.Contains(with.Services, d => d.ImplementationType == typeof(CatalogSyncStarter));
        Assert.DoesNotContain(without.Services, d => d.ImplementationType == typeof(CatalogSyncStarter));
    }

    private ServiceProvider Services(FakeZohoBooks fake)
    {
        var services = ZohoHarness.Collection(fake);
        services.AddSingleton(_ => NpgsqlDataSource.Create(postgres.ConnectionString));
        services.AddSingleton<CatalogStore>();
        services.AddSingleton<CatalogSync>();
        return services.BuildServiceProvider();
    }

    internal static string Run() => Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);

    internal static JsonObject Item(string run, int i, string name, string status = "active") => new()
    {
        ["item_id"] = $"{run}{i:0000}",
        ["name"] = name,
        ["sku"] = $"SKU-{run}-{i}",
        ["status"] = status,
        ["rate"] = i / 100m,
        ["unit"] = "pcs",
    };

    internal static JsonObject Contact(string id, string name, string type, string? company = null) => new()
    {
        ["contact_id"] = id,
        ["contact_name"] = name,
        ["company_name"] = company,
        ["contact_number"] = $"K-{id}",
        ["contact_type"] = type,
        ["status"] = "active",
        ["email"] = $"{id}@example.test",
    };
}
