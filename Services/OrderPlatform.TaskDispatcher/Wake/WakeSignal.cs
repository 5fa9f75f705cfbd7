using System.Collections.Concurrent;

namespace OrderPlatform.TaskDispatcher.Wake;

/// <summary>
/// Ends the dispatcher's idle wait at once: a producer's nudge (<see cref="RedisWakeListener"/>) or a freed slot.
/// Signals coalesce — a burst of 200 nudges during one receive costs one extra poll, not 200. The queues a nudge names
/// are kept so that a queue created after the last discovery is polled without waiting for the next one.
/// </summary>
public sealed class WakeSignal
{
    private readonly ConcurrentDictionary<string, byte> _named = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private TaskCompletionSource _pending = NewSource();

    /// <summary>Wakes the waiting loop (or the next wait, if none waits now).</summary>
    public void Set(string? queue = null)
    {
        if (!string.IsNullOrEmpty(queue))
        {
            _named.TryAdd(queue, 0);
        }

        lock (_lock)
        {
            _pending.TrySetResult();
        }
    }

    /// <summary>True when set before <paramref name="timeout"/> passed; a set during the last poll counts.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task pending;
        lock (_lock)
        {
            pending = _pending.Task;
        }

        var woken = pending.IsCompleted || await pending.WaitAsync(timeout, time, cancellationToken).ContinueWith(
            t => t.IsCompletedSuccessfully, cancellationToken, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        cancellationToken.ThrowIfCancellationRequested();
        if (woken)
        {
            lock (_lock)
            {
                if (_pending.Task.IsCompleted)
                {
                    _pending = NewSource();
                }
            }
        }

        return woken;
    }

    /// <summary>The queue names nudged since the last call.</summary>
    public IReadOnlyCollection<string> TakeNamedQueues()
    {
        var names = _named.Keys.ToArray();
        foreach (var name in names)
        {
            _named.TryRemove(name, out _);
        }

        return names;
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
