namespace OrderPlatform.Worker.Catalog;

/// <summary>Creates the replica's tables at start and loads the seed catalog into an empty replica when enabled.</summary>
internal sealed class CatalogSeeder(CatalogStore store, IConfiguration configuration, ILogger<CatalogSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (configuration.GetValue("Catalog:Seed", true) && await store.IsEmptyAsync(cancellationToken).ConfigureAwait(false))
        {
            await store.UpsertAsync(SeedCatalog.Customers, SeedCatalog.Items, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Loaded the seed catalog: {Customers} customers, {Items} items", SeedCatalog.Customers.Length, SeedCatalog.Items.Length);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
