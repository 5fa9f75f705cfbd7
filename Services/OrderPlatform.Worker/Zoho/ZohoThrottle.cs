using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace OrderPlatform.Worker.Zoho;

/// <summary>
/// Client-side token bucket shared by every Zoho call in this process (spec §6): a sixth of the per-minute budget
/// every ten seconds, and never more than that sixth saved up, so a burst cannot spend a whole minute's allowance.
/// </summary>
public sealed class ZohoThrottle : IDisposable
{
    private readonly TokenBucketRateLimiter _limiter;

    public ZohoThrottle(IOptions<ZohoOptions> options)
    {
        var step = Math.Max(1, options.Value.RequestsPerMinute / 6);
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = step,
            TokensPerPeriod = step,
            ReplenishmentPeriod = TimeSpan.FromSeconds(10),
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new ZohoException(ZohoErrorKind.RateLimited, "The local Zoho request budget is exhausted; try again shortly.");
        }
    }

    public void Dispose() => _limiter.Dispose();
}
