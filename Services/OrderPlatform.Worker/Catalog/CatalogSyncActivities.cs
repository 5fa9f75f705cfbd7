using Microsoft.Extensions.Options;
using OrderPlatform.Worker.Activities;
using OrderPlatform.Worker.Zoho;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace OrderPlatform.Worker.Catalog;

/// <summary>One sync's outcome and the interval configured on the worker that ran it, so a changed setting applies at once.</summary>
public sealed record CatalogSyncRound(CatalogSyncResult Result, TimeSpan NextInterval);

/// <summary>sync-catalog: one refresh of the replica, heartbeating while Zoho's pages are read behind the throttle.</summary>
public sealed class CatalogSyncActivities(CatalogSync sync, IOptions<CatalogSyncOptions> options, ILogger<CatalogSyncActivities> logger)
{
    [Activity("sync-catalog")]
    public Task<CatalogSyncRound> SyncAsync() => Heartbeats.WhileAsync(async () =>
    {
        var interval = options.Value.SyncInterval;
        try
        {
            return new CatalogSyncRound(await sync.SyncOnceAsync(ActivityExecutionContext.Current.CancellationToken).ConfigureAwait(false), interval);
        }
        catch (Exception ex) when (ex is ZohoException or HttpRequestException or Npgsql.NpgsqlException)
        {
            // The message only, in the log and in history: ZohoException texts are written without secrets, inner
            // exceptions are not vetted.
            var kind = ex is ZohoException zohoError ? zohoError.Kind.ToString() : ex.GetType().Name;
            logger.LogError("Catalog sync from Zoho failed ({Error}: {Message}); the replica is unchanged, next attempt in {Interval}",
                kind, ex.Message, interval);
            // What Zoho will answer the same way again (bad credentials, a refused empty list) is not retried within
            // this round; the next interval tries again anyway.
            throw new ApplicationFailureException(ex.Message, kind, nonRetryable: ex is ZohoException { IsRetryable: false });
        }
    });
}
