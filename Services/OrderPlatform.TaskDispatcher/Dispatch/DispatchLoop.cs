using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatcher.Dispatch;

/// <summary>
/// Polls the task queues for as many messages as there are free slots (global and per client), hands each to the
/// <see cref="TaskRunner"/>, and backs off 100 ms → 5 s with jitter while every queue is empty; a hit or a freed slot
/// polls again at once.
/// </summary>
public sealed class DispatchLoop(QueueDiscovery discovery, TaskRunner runner, IOptions<DispatcherOptions> options, ILogger<DispatchLoop> logger) : BackgroundService
{
    private const int MaxBatch = 32;
    private readonly DispatcherOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, int> _perClient = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _wake = new(0);
    private int _running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = _options.MinPollDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var received = 0;
            try
            {
                foreach (var queue in await discovery.QueuesAsync(stoppingToken))
                {
                    received += await ReceiveAsync(queue, stoppingToken);
                }
            }
            catch (RequestFailedException ex)
            {
                logger.LogWarning("Receiving failed ({Status}); backing off", ex.Status);
            }

            delay = received > 0 ? _options.MinPollDelay : NextDelay(delay);
            try
            {
                await _wake.WaitAsync(received > 0 ? TimeSpan.Zero : Jitter(delay), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Runs end without touching their messages: each reappears after its visibility and is adopted.
        await Task.WhenAll(_inFlight.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task<int> ReceiveAsync(QueueClient queue, CancellationToken stoppingToken)
    {
        var clientRunning = _perClient.GetValueOrDefault(queue.Name);
        var free = Math.Min(_options.MaxConcurrentTasks - Volatile.Read(ref _running), _options.MaxConcurrentTasksPerClient - clientRunning);
        if (free <= 0)
        {
            return 0;
        }

        QueueMessage[] messages = await queue.ReceiveMessagesAsync(Math.Min(MaxBatch, free), _options.VisibilityTimeout, stoppingToken);
        foreach (var message in messages)
        {
            Interlocked.Increment(ref _running);
            _perClient.AddOrUpdate(queue.Name, 1, (_, n) => n + 1);
            var run = RunAsync(queue, message, stoppingToken);
            _inFlight.TryAdd(run, 0);
            _ = run.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }

        return messages.Length;
    }

    private async Task RunAsync(QueueClient queue, QueueMessage message, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await runner.RunAsync(queue, message, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The message reappears after its visibility; the next delivery adopts whatever was started.
            logger.LogError(ex, "Message {MessageId} of {Queue} failed in the dispatcher", message.MessageId, queue.Name);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            _perClient.AddOrUpdate(queue.Name, 0, (_, n) => n - 1);
            _wake.Release();
        }
    }

    private TimeSpan NextDelay(TimeSpan current) =>
        TimeSpan.FromTicks(Math.Min(current.Ticks * 2, _options.MaxPollDelay.Ticks));

    // ±20 % so that several dispatchers do not poll in step.
    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + (Random.Shared.NextDouble() * 0.4));

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
