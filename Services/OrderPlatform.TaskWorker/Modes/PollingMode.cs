using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using OrderPlatform.TaskWorker.Handlers;
using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskWorker.Modes;

/// <summary>
/// One message at a time, in process: receive, run the handler, delete on exit code 0, otherwise let it reappear
/// (poison after <see cref="PollingOptions.MaxDequeueCount"/>). No lease renewal: tasks must finish within the
/// visibility timeout; long tasks belong to the dispatcher.
/// </summary>
public sealed class PollingMode(QueueServiceClient queues, TaskHandlerRegistry registry, IOptions<PollingOptions> options, ILogger<PollingMode> logger)
{
    private readonly PollingOptions _options = options.Value;

    public async Task RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var worked = false;
            foreach (var queue in await QueueNamesAsync(cancellationToken))
            {
                worked |= await RunOneAsync(queues.GetQueueClient(queue), output, cancellationToken);
            }

            if (!worked)
            {
                await Task.Delay(_options.IdleDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Receives and runs at most one message of <paramref name="queue"/>; false when it was empty.</summary>
    public async Task<bool> RunOneAsync(QueueClient queue, TextWriter output, CancellationToken cancellationToken)
    {
        QueueMessage? message = await queue.ReceiveMessageAsync(_options.VisibilityTimeout, cancellationToken);
        if (message is null)
        {
            return false;
        }

        int exitCode;
        try
        {
            var (task, _) = TaskMessageReader.Read(message.Body.ToMemory().Span, _options.MessageEncoding);
            exitCode = await registry.RunAsync(task, output, cancellationToken);
        }
        catch (InvalidTaskMessageException ex)
        {
            logger.LogWarning("Message {MessageId} on {Queue} is invalid ({Reason}); poisoned", message.MessageId, queue.Name, ex.Message);
            await PoisonAsync(queue, message, cancellationToken);
            return true;
        }

        if (exitCode == TaskExitCodes.Succeeded)
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        else if (message.DequeueCount >= _options.MaxDequeueCount)
        {
            await PoisonAsync(queue, message, cancellationToken);
        }
        else
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
        }

        return true;
    }

    private async Task PoisonAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient($"{queue.Name}-poison");
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> QueueNamesAsync(CancellationToken cancellationToken)
    {
        if (_options.Queues.Count > 0)
        {
            return _options.Queues;
        }

        var names = new List<string>();
        try
        {
            await foreach (var item in queues.GetQueuesAsync(cancellationToken: cancellationToken))
            {
                if (item.Name.EndsWith("-tasks", StringComparison.Ordinal))
                {
                    names.Add(item.Name);
                }
            }
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning("Listing queues failed ({Status}); retrying", ex.Status);
        }

        return names;
    }
}
