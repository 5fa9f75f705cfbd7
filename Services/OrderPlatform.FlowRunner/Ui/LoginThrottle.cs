using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrderPlatform.FlowRunner.Ui;

/// <summary>
/// Bounds failed sign-ins on the runs page: <c>FlowRunner:LoginFailures</c> per <c>FlowRunner:LoginFailureWindow</c>,
/// counted per client address and per presented key (a hash of it, never the key) in Redis, so every replica draws
/// from one budget. Over either budget the login answers 429 with Retry-After until the window ends, without checking
/// the key. Without Redis the attempt passes uncounted (logged), as the API's per-key limit does.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis, IOptions<FlowRunnerOptions> options, TimeProvider clock, ILogger<LoginThrottle> logger)
{
    /// <summary>Seconds until the caller may try again, or null when it may try now.</summary>
    public async Task<int?> RetryAfterAsync(HttpContext http, string presentedKey)
    {
        var (keys, retryAfter) = Keys(http, presentedKey);
        try
        {
            var counts = await redis.GetDatabase().StringGetAsync(keys).ConfigureAwait(false);
            return counts.Any(c => (long)c >= options.Value.LoginFailures) ? retryAfter : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis unavailable for the login limit ({Error}); the attempt passes uncounted.", e.GetType().Name);
            return null;
        }
    }

    public async Task FailedAsync(HttpContext http, string presentedKey)
    {
        var (keys, retryAfter) = Keys(http, presentedKey);
        try
        {
            var batch = redis.GetDatabase().CreateBatch();
            var writes = keys.SelectMany(k => new Task[] { batch.StringIncrementAsync(k), batch.KeyExpireAsync(k, TimeSpan.FromSeconds(retryAfter + 1)) }).ToArray();
            batch.Execute();
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis unavailable for the login limit ({Error}); a failed sign-in went uncounted.", e.GetType().Name);
        }
    }

    private (RedisKey[] Keys, int RetryAfter) Keys(HttpContext http, string presentedKey)
    {
        var window = (long)options.Value.LoginFailureWindow.TotalSeconds;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var slot = (now / window).ToString(CultureInfo.InvariantCulture);
        var prefix = $"{options.Value.QueuePrefix}:login-failures";
        var keyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey)).AsSpan(0, 12));
        return ([$"{prefix}:address:{ClientAddress(http)}:{slot}", $"{prefix}:key:{keyHash}:{slot}"], (int)(window - (now % window)));
    }

    /// <summary>
    /// The peer's address; when the peer is loopback or private it is taken as our own proxy (only the bundle's nginx,
    /// or a platform ingress, reaches the service), and the address that proxy appended to X-Forwarded-For counts.
    /// </summary>
    public static string ClientAddress(HttpContext http)
    {
        var peer = http.Connection.RemoteIpAddress;
        if (peer is not null && OrderPlatform.ServiceDefaults.Outbound.OutboundHttp.IsPrivate(peer)
            && http.Request.Headers["X-Forwarded-For"].ToString().Split(',') is [.., var last]
            && IPAddress.TryParse(last.Trim(), out var forwarded))
        {
            return forwarded.ToString();
        }

        return peer?.ToString() ?? "unknown";
    }
}
