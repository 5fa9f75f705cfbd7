using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace OrderPlatform.Api.Auth;

/// <summary>
/// A per-key request budget counted in Redis, so every Api replica draws from the same budget (an in-process limiter
/// would give each replica its own and multiply the limit by the replica count). The window opens at a key's first
/// request and lasts <see cref="Window"/>; the count is one atomic INCR + PEXPIRE.
/// If Redis cannot be reached the request is counted by an in-process limiter instead, so an outage of the cache
/// neither blocks every client nor removes the limit.
/// </summary>
public sealed class SharedRateLimiter(
    IConnectionMultiplexer redis, string partition, int permitLimit, TimeSpan window, ILogger logger) : RateLimiter
{
    // INCR first so concurrent first requests cannot both see "new window"; the expiry is set only by the request that
    // opened the window, and PTTL tells a refused client when to retry.
    private static readonly LuaScript Script = LuaScript.Prepare(
        "local count = redis.call('INCR', @key) " +
        "if count == 1 then redis.call('PEXPIRE', @key, @window) end " +
        "return { count, redis.call('PTTL', @key) }");

    private long _lastWarned = long.MinValue / 2;

    private readonly FixedWindowRateLimiter _fallback = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = permitLimit,
        Window = window,
        QueueLimit = 0,
    });

    // Ticks of the last acquire: the partitioned limiter evicts (and disposes) a partition whose limiter reports idle
    // for a while, so idleness must follow this key's traffic, not the fallback's, which the Redis path never touches.
    private long _lastAcquired = Environment.TickCount64;

    public TimeSpan Window => window;

    public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastAcquired));

    /// <summary>Counts of this instance's fallback only: the shared count lives in Redis.</summary>
    public override RateLimiterStatistics? GetStatistics() => _fallback.GetStatistics();

    /// <summary>
    /// Never grants synchronously: the ASP.NET Core middleware then calls <see cref="AcquireAsyncCore"/>, which can
    /// await Redis instead of blocking a thread on it.
    /// </summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Refused(retryAfter: null);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastAcquired, Environment.TickCount64);
        // While the multiplexer is disconnected a command would wait in its backlog for the whole async timeout: count
        // in-process at once instead of making every request pay that wait.
        if (!redis.IsConnected)
        {
            return await FallbackAsync(permitCount, "not connected", cancellationToken).ConfigureAwait(false);
        }

        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, new
            {
                key = (RedisKey)$"api:ratelimit:{partition}",
                window = (long)window.TotalMilliseconds,
            }).ConfigureAwait(false))!;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return await FallbackAsync(permitCount, exception.GetType().Name, cancellationToken).ConfigureAwait(false);
        }

        var count = (long)result[0];
        var remaining = (long)result[1];
        return count <= permitLimit
            ? Lease.Granted
            : Lease.Refused(TimeSpan.FromMilliseconds(remaining > 0 ? remaining : window.TotalMilliseconds));
    }

    private async ValueTask<RateLimitLease> FallbackAsync(int permitCount, string reason, CancellationToken cancellationToken)
    {
        // Once per window per key at most, so an outage does not write a warning for every request.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastWarned);
        if (now - last >= window.TotalMilliseconds && Interlocked.CompareExchange(ref _lastWarned, now, last) == last)
        {
            logger.LogWarning("Redis unavailable for the shared rate limit ({Error}); counting in this instance only.", reason);
        }

        try
        {
            return await _fallback.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Evicted while this request awaited Redis: refuse nothing for it; the next request gets a fresh limiter.
            return Lease.Granted;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _fallback.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public static Lease Refused(TimeSpan? retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
