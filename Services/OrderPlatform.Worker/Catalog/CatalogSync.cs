using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker.Catalog;

public sealed class CatalogSyncOptions
{
    public const string Section = "Catalog";

    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Syncs one catalog-sync run performs before it continues as new: each sync and timer adds about a dozen history
    /// events, so a run that went on forever would grow a history without end.
    /// </summary>
    public int SyncsPerRun { get; set; } = 100;

    /// <summary>Off lets a worker with Zoho credentials leave the sync to others (tests that share one replica).</summary>
    public bool Sync { get; set; } = true;
}

/// <summary>What one sync wrote: the active customers and items Zoho listed, and the rows removed because it no longer does.</summary>
public sealed record CatalogSyncResult(int Customers, int Items, int RemovedCustomers = 0, int RemovedItems = 0);

/// <summary>
/// Refreshes the replica from Zoho Books (spec §5); <see cref="CatalogSyncWorkflow"/> runs it on a durable timer. Every
/// page is read before anything is written, so a failing page leaves the previous replica as it was; what Zoho no longer
/// lists as active (deleted or deactivated) is removed, so it is no longer matched.
/// </summary>
public sealed class CatalogSync(ZohoCatalogClient zoho, CatalogStore store, ILogger<CatalogSync> logger)
{
    public async Task<CatalogSyncResult> SyncOnceAsync(CancellationToken cancellationToken)
    {
        var items = await zoho.ListItemsAsync(cancellationToken).ConfigureAwait(false);
        var customers = await zoho.ListCustomersAsync(cancellationToken).ConfigureAwait(false);
        // The seeder creates the tables too, but hosted services and the first sync may run in either order.
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        // An organization does not lose every item or every customer between two syncs; an empty list is
        // far likelier a wrong answer (another organization, a permissions change) than a fact, and applying it would
        // leave every order unresolvable. Refuse it and keep the replica; a human can clear the replica deliberately.
        var held = await store.CountAsync(cancellationToken).ConfigureAwait(false);
        if ((items.Count == 0 && held.Items > 0) || (customers.Count == 0 && held.Customers > 0))
        {
            throw new ZohoException(ZohoErrorKind.UnexpectedResponse,
                $"Zoho listed {items.Count} active items and {customers.Count} customers; refusing to empty the catalog replica.");
        }

        var (removedCustomers, removedItems) = await store.ReplaceAsync([.. customers], [.. items], cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Catalog synced from Zoho: {Customers} customers, {Items} items; removed {RemovedCustomers} customers, {RemovedItems} items",
            customers.Count, items.Count, removedCustomers, removedItems);
        return new CatalogSyncResult(customers.Count, items.Count, removedCustomers, removedItems);
    }
}
