using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatcher.Dispatch;

/// <summary>Finds the <c>*-tasks</c> queues (never <c>-poison</c>) and records their approximate depth.</summary>
public sealed class QueueDiscovery(QueueServiceClient queues, IOptions<DispatcherOptions> options, DispatchMetrics metrics, TimeProvider time, ILogger<QueueDiscovery> logger)
{
    private readonly DispatcherOptions _options = options.Value;
    private IReadOnlyList<QueueClient> _current = [];
    private DateTimeOffset _due = DateTimeOffset.MinValue;

    /// <summary>Lists again at the next poll when a producer's wake-up named a queue not listed yet (created since).</summary>
    public void RefreshIfUnknown(IReadOnlyCollection<string> named)
    {
        if (named.Any(name => IsTaskQueue(name) && _current.All(q => q.Name != name)))
        {
            _due = DateTimeOffset.MinValue;
        }
    }

    /// <summary>The queues to poll; refreshed every <see cref="DispatcherOptions.DiscoveryInterval"/>.</summary>
    public async Task<IReadOnlyList<QueueClient>> QueuesAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() < _due)
        {
            return _current;
        }

        try
        {
            var found = new List<QueueClient>();
            await foreach (var item in queues.GetQueuesAsync(prefix: _options.QueuePrefix, cancellationToken: cancellationToken))
            {
                if (IsTaskQueue(item.Name))
                {
                    var client = queues.GetQueueClient(item.Name);
                    found.Add(client);
                    metrics.QueueDepth(item.Name, (await client.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount);
                }
            }

            _current = found;
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning("Listing queues failed ({Status}); keeping {Count} known queues", ex.Status, _current.Count);
        }

        _due = time.GetUtcNow() + _options.DiscoveryInterval;
        return _current;
    }

    private bool IsTaskQueue(string name) =>
        name.StartsWith(_options.QueuePrefix ?? "", StringComparison.Ordinal)
        && name.EndsWith(_options.QueueSuffix, StringComparison.Ordinal)
        && !name.EndsWith("-poison", StringComparison.Ordinal);
}
