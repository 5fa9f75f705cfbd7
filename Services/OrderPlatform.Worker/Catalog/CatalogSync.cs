using Microsoft.Extensions.Options;
using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker.Catalog;

public sealed class CatalogSyncOptions
{
    public const string Section = "Catalog";

    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromHours(1);
}

public sealed record CatalogSyncResult(int Customers, int Items);

/// <summary>
/// Refreshes the replica from Zoho Books (spec §5): at start-up, then every <c>Catalog:SyncInterval</c>. Every page is
/// read before anything is written, so a failing page leaves the previous replica as it was; the failure is logged
/// (Zoho's message, never a token) and the next interval tries again.
/// </summary>
public sealed class CatalogSync(ZohoCatalogClient zoho, CatalogStore store, IOptions<CatalogSyncOptions> options,
    TimeProvider time, ILogger<CatalogSync> logger) : BackgroundService
{
    public async Task<CatalogSyncResult> SyncOnceAsync(CancellationToken cancellationToken)
    {
        var items = await zoho.ListItemsAsync(cancellationToken).ConfigureAwait(false);
        var customers = await zoho.ListCustomersAsync(cancellationToken).ConfigureAwait(false);
        // The seeder creates the tables too, but hosted services may start in either order.
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await store.UpsertAsync(customers, items, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Catalog synced from Zoho: {Customers} customers, {Items} items", customers.Count, items.Count);
        return new CatalogSyncResult(customers.Count, items.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SyncInterval;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await SyncOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The message only: ZohoException texts are written without secrets, inner exceptions are not vetted.
                logger.LogError("Catalog sync from Zoho failed ({Error}: {Message}); the replica is unchanged, next attempt in {Interval}",
                    ex is ZohoException zohoError ? zohoError.Kind.ToString() : ex.GetType().Name, ex.Message, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
