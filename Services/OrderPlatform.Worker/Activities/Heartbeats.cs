using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>
/// Heartbeats for activities whose single calls can take long (Zoho calls behind the throttle, a paged catalog read):
/// with a heartbeat timeout set, Temporal notices a dead worker after that timeout instead of the whole start-to-close,
/// and hands the attempt to another worker.
/// </summary>
public static class Heartbeats
{
    /// <summary>Runs <paramref name="work"/>, heartbeating a few times per heartbeat timeout until it ends.</summary>
    public static async Task<T> WhileAsync<T>(Func<Task<T>> work)
    {
        var context = ActivityExecutionContext.Current;
        if (context.Info.HeartbeatTimeout is not { } timeout || timeout <= TimeSpan.Zero)
        {
            return await work().ConfigureAwait(false);
        }

        // The SDK throttles what it sends to the server, so beating a few times per timeout costs nothing and keeps
        // a slow first tick from letting the timeout lapse.
        context.Heartbeat();
        using var timer = new PeriodicTimer(timeout / 4);
        var running = work();
        while (await Task.WhenAny(running, timer.WaitForNextTickAsync().AsTask()).ConfigureAwait(false) != running)
        {
            context.Heartbeat();
        }

        return await running.ConfigureAwait(false);
    }

    /// <summary>
    /// A beat with the count reached as its detail, sent at once on the reporting thread: a <see cref="System.Progress{T}"/>
    /// would post it to the thread pool, where it could run after the activity has ended.
    /// </summary>
    public static IProgress<int> Progress(ActivityExecutionContext context) => new Beat(context);

    private sealed class Beat(ActivityExecutionContext context) : IProgress<int>
    {
        public void Report(int value) => context.Heartbeat(value);
    }
}
