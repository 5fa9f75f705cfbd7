using System.Collections.Concurrent;
using OrderPlatform.TaskDispatcher.Backends;

namespace OrderPlatform.Bench.TaskDispatch;

/// <summary>The Local backend with the moment each start was issued, per message id: the end of "pickup".</summary>
internal sealed class TimedBackend(LocalProcessBackend inner) : ITaskBackend
{
    public ConcurrentDictionary<string, DateTimeOffset> StartIssued { get; } = new();

    public Task<TaskInstance?> GetAsync(string name, CancellationToken cancellationToken) => inner.GetAsync(name, cancellationToken);

    public Task StartAsync(TaskStartRequest request, CancellationToken cancellationToken)
    {
        StartIssued.TryAdd(request.MessageId, DateTimeOffset.UtcNow);
        return inner.StartAsync(request, cancellationToken);
    }

    public Task<string> GetLogTailAsync(string name, int lines, CancellationToken cancellationToken) => inner.GetLogTailAsync(name, lines, cancellationToken);

    public Task DeleteAsync(string name, CancellationToken cancellationToken) => inner.DeleteAsync(name, cancellationToken);
}
