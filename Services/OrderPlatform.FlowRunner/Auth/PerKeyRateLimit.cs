using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrderPlatform.FlowRunner.Auth;

/// <summary>
/// A per-key budget per minute, counted in Redis so every replica draws from one budget: one INCR on a key named by the
/// key's fingerprint and the minute, expiring with it. Without Redis the request passes (and is logged once a minute):
/// the queue needs Redis anyway, so a cache outage should not also lock out reads of run history.
/// </summary>
public sealed class PerKeyRateLimit(IConnectionMultiplexer redis, IOptions<FlowRunnerOptions> options, ILogger<PerKeyRateLimit> logger) : IEndpointFilter
{
    private long _lastWarned;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var fingerprint = context.HttpContext.User.FindFirst(ApiKeyHandler.FingerprintClaim)?.Value ?? "anonymous";
        var now = DateTimeOffset.UtcNow;
        var key = $"{options.Value.QueuePrefix}:ratelimit:{fingerprint}:{now.ToUnixTimeSeconds() / 60}";
        try
        {
            var db = redis.GetDatabase();
            var count = await db.StringIncrementAsync(key).ConfigureAwait(false);
            if (count == 1)
            {
                await db.KeyExpireAsync(key, TimeSpan.FromSeconds(61), CommandFlags.FireAndForget).ConfigureAwait(false);
            }

            if (count > options.Value.PermitsPerMinute)
            {
                context.HttpContext.Response.Headers.RetryAfter = (60 - now.Second).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: "This API key has used its requests for this minute; retry after the seconds in Retry-After.");
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (Interlocked.Exchange(ref _lastWarned, now.ToUnixTimeSeconds() / 60) != now.ToUnixTimeSeconds() / 60)
            {
                logger.LogWarning("Redis unavailable for the per-key rate limit ({Error}); requests pass uncounted.", e.GetType().Name);
            }
        }

        return await next(context).ConfigureAwait(false);
    }
}
