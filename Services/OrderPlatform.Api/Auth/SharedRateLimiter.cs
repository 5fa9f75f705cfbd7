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

    private readonly FixedWindowRateLimiter _fallback = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = permitLimit,
        Window = window,
        QueueLimit = 0,
    });

    public TimeSpan Window => window;

    public override TimeSpan? IdleDuration => _fallback.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => _fallback.GetStatistics();

    /// <summary>
    /// Never grants synchronously: the ASP.NET Core middleware then calls <see cref="AcquireAsyncCore"/>, which can
    /// await Redis instead of blocking a thread on it.
    /// </summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Refused(retryAfter: null);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
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
            logger.LogWarning("Redis unavailable for the shared rate limit ({Error}); counting in this instance only.", exception.GetType().Name);
            return await _fallback.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
        }

        var count = (long)result[0];
        var remaining = (long)result[1];
        return count <= permitLimit
            ? Lease.Granted
            : Lease.Refused(TimeSpan.FromMilliseconds(remaining > 0 ? remaining : window.TotalMilliseconds));
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
