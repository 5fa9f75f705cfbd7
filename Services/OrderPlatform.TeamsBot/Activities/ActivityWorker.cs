using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>Wakes the worker when this replica queued an activity, so it need not wait for its next poll.</summary>
public sealed class ActivityWakeUp : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up claims everything that is waiting.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}

/// <summary>
/// Works off <see cref="ActivityStore"/>: claims as many activities as it has free slots, handles each in its own DI
/// scope, renews its leases while they run and marks them done. On a graceful stop it claims nothing more and lets the
/// running ones finish within the host's shutdown window; what it must abandon then is released for the next replica.
/// </summary>
public sealed partial class ActivityWorker(
    ActivityStore store,
    ActivityWakeUp wakeUp,
    IServiceScopeFactory scopes,
    TryAgainReplies tryAgain,
    IOptions<ActivityQueueOptions> options,
    ILogger<ActivityWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly ActivityQueueOptions _options = options.Value;
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private readonly CancellationTokenSource _abandon = new();
    private DateTime _lastRenewed = DateTime.UtcNow;
    private DateTime _lastPurged = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimedAll = false;
            try
            {
                await RenewAndPurgeAsync(stoppingToken);
                var free = _options.Parallelism - _running.Count;
                if (free > 0)
                {
                    var claimed = await store.ClaimAsync(_owner, free, _options.Lease, stoppingToken);
                    foreach (var activity in claimed)
                    {
                        _running[activity.Id] = Task.Run(() => RunAsync(activity), CancellationToken.None);
                    }

                    claimedAll = claimed.Count == free;
                }

                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Postgres away: the endpoint answers the users meanwhile; poll less often until it is back.
                LogPollFailed(logger, ex.GetType().Name);
                var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _options.PollInterval.Ticks << Math.Min(++failures, 10)));
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (!claimedAll || _running.Count >= _options.Parallelism)
            {
                await WaitAsync(stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown window is over: cancel what still runs; each releases its activity on the way out.
            await _abandon.CancelAsync();
            await Task.WhenAll(_running.Values).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        try
        {
            var slots = _running.Count >= _options.Parallelism ? Task.WhenAny(_running.Values) : Task.Delay(Timeout.Infinite, stoppingToken);
            await Task.WhenAny(wakeUp.WaitAsync(_options.PollInterval, stoppingToken), slots);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RenewAndPurgeAsync(CancellationToken cancellationToken)
    {
        if (!_running.IsEmpty && DateTime.UtcNow - _lastRenewed > _options.Lease / 3)
        {
            await store.RenewAsync(_owner, [.. _running.Keys], _options.Lease, cancellationToken);
            _lastRenewed = DateTime.UtcNow;
        }

        if (DateTime.UtcNow - _lastPurged > PurgeEvery)
        {
            await store.PurgeAsync(_options.KeepDone, cancellationToken);
            _lastPurged = DateTime.UtcNow;
        }
    }

    private async Task RunAsync(ClaimedActivity claimed)
    {
        try
        {
            await HandleAsync(claimed);
            await store.CompleteAsync(claimed.Id, _abandon.Token);
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            await store.ReleaseAsync(_owner, claimed.Id, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception ex)
        {
            // Not marked done (Postgres may be the thing that is down): the lease lapses and the activity is claimed
            // again, until MaxAttempts turns it into a "try again" reply.
            LogCompleteFailed(logger, ex.GetType().Name, claimed.Activity.Id);
        }
        finally
        {
            _running.TryRemove(claimed.Id, out _);
            wakeUp.Notify();
        }
    }

    private async Task HandleAsync(ClaimedActivity claimed)
    {
        var activity = claimed.Activity;
        if (claimed.Attempt >= _options.MaxAttempts)
        {
            // Earlier claims died with their replica (or could not finish): answer rather than try a third time.
            await tryAgain.SendAsync(activity, TryAgainReplies.NewReference(), _abandon.Token);
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abandon.Token);
        timeout.CancelAfter(_options.HandlerTimeout);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MessageHandler>().HandleAsync(activity, timeout.Token);
        }
        catch (Exception ex) when (!_abandon.IsCancellationRequested)
        {
            // A Postgres outage, an Api timeout, a bug: the user hears that, with a reference to find this log line.
            var reference = TryAgainReplies.NewReference();
            LogFailed(logger, ex, activity.Id, reference);
            await tryAgain.SendAsync(activity, reference, _abandon.Token);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling message {ActivityId} failed (reference {Reference})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string? activityId, string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming activities failed ({Error}); retrying")]
    private static partial void LogPollFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {ActivityId} was handled but not marked done ({Error}); it will be claimed again")]
    private static partial void LogCompleteFailed(ILogger logger, string error, string? activityId);
}
