namespace OrderPlatform.TaskDispatcher.Backends.Aci;

/// <summary>
/// ACI's create quotas as two sliding windows (100 per 5 minutes, 300 per hour by default): a create is allowed only
/// when both windows have room. Time comes from the injected <see cref="TimeProvider"/>, so tests compress it.
/// </summary>
public sealed class CreateRateLimiter(int perFiveMinutes, int perHour, TimeProvider time)
{
    private static readonly TimeSpan Short = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);
    private readonly Queue<DateTimeOffset> _creates = new();
    private readonly Lock _gate = new();

    /// <summary>Creates still allowed now in the tighter of the two windows.</summary>
    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                var now = Trim();
                return Math.Min(perFiveMinutes - _creates.Count(t => now - t < Short), perHour - _creates.Count);
            }
        }
    }

    /// <summary>Takes a create if both windows allow it; otherwise says how long until one is free.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = Trim();
            var inShort = _creates.Where(t => now - t < Short).ToList();
            if (inShort.Count < perFiveMinutes && _creates.Count < perHour)
            {
                _creates.Enqueue(now);
                retryAfter = TimeSpan.Zero;
                return true;
            }

            var shortFree = inShort.Count >= perFiveMinutes ? inShort[inShort.Count - perFiveMinutes] + Short - now : TimeSpan.Zero;
            var longFree = _creates.Count >= perHour ? _creates.ElementAt(_creates.Count - perHour) + Long - now : TimeSpan.Zero;
            retryAfter = shortFree > longFree ? shortFree : longFree;
            return false;
        }
    }

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (!TryAcquire(out var wait))
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private DateTimeOffset Trim()
    {
        var now = time.GetUtcNow();
        while (_creates.Count > 0 && now - _creates.Peek() >= Long)
        {
            _creates.Dequeue();
        }

        return now;
    }
}
