using System.Threading.Channels;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>Messages acknowledged to the connector but not yet handled; bounded so a flood cannot exhaust memory.</summary>
public sealed class ActivityQueue
{
    private readonly Channel<Activity> _channel = Channel.CreateBounded<Activity>(new BoundedChannelOptions(500)
    {
        FullMode = BoundedChannelFullMode.Wait,
    });

    public bool TryEnqueue(Activity activity) => _channel.Writer.TryWrite(activity);

    public IAsyncEnumerable<Activity> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);
}

/// <summary>Handles queued messages a few at a time, each in its own DI scope; one failure never stops the loop.</summary>
public sealed partial class ActivityWorker(ActivityQueue queue, IServiceScopeFactory scopes, ILogger<ActivityWorker> logger) : BackgroundService
{
    private const int Parallelism = 4;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            queue.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
            async (activity, cancellationToken) =>
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<MessageHandler>().HandleAsync(activity, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogFailed(logger, ex, activity.Id);
                }
            });

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling message {ActivityId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string? activityId);
}
