using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using OrderPlatform.TaskDispatcher.Wake;

namespace OrderPlatform.TaskDispatcher.Dispatch;

/// <summary>
/// Polls every task queue at once for as many messages as there are free slots (global and per client), hands each to
/// the <see cref="TaskRunner"/>, and while every queue is empty backs off from <see cref="DispatcherOptions.MinPollDelay"/>
/// doubling to <see cref="DispatcherOptions.MaxPollDelay"/>. A hit, a freed slot or a producer's wake-up
/// (<see cref="WakeSignal"/>) polls again at once and restarts the back-off.
/// </summary>
public sealed class DispatchLoop(QueueDiscovery discovery, TaskRunner runner, WakeSignal wake, IOptions<DispatcherOptions> options, TimeProvider time, ILogger<DispatchLoop> logger) : BackgroundService
{
    private const int MaxBatch = 32;
    private readonly DispatcherOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, int> _perClient = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private int _running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            var received = 0;
            try
            {
                discovery.RefreshIfUnknown(wake.TakeNamedQueues());

                var queues = await discovery.QueuesAsync(stoppingToken);
                received = (await Task.WhenAll(queues.Select(queue => ReceiveAsync(queue, stoppingToken)))).Sum();
            }
            catch (RequestFailedException ex)
            {
                logger.LogWarning("Receiving failed ({Status}); backing off", ex.Status);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            delay = received > 0 ? TimeSpan.Zero : NextDelay(delay);
            try
            {
                if (delay > TimeSpan.Zero && await wake.WaitAsync(Jitter(delay), time, stoppingToken))
                {
                    delay = TimeSpan.Zero;
                }
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
        // Queues are polled concurrently, so global slots are reserved before the receive and the unused ones returned.
        var clientFree = _options.MaxConcurrentTasksPerClient - _perClient.GetValueOrDefault(queue.Name);
        var reserved = Reserve(Math.Min(MaxBatch, clientFree));
        if (reserved <= 0)
        {
            return 0;
        }

        QueueMessage[] messages;
        try
        {
            messages = await queue.ReceiveMessagesAsync(reserved, _options.VisibilityTimeout, stoppingToken);
        }
        catch
        {
            Interlocked.Add(ref _running, -reserved);
            throw;
        }

        // Each received message keeps its reserved slot (RunAsync frees it); the rest go back in one step.
        Interlocked.Add(ref _running, messages.Length - reserved);
        foreach (var message in messages)
        {
            _perClient.AddOrUpdate(queue.Name, 1, (_, n) => n + 1);
            var run = RunAsync(queue, message, stoppingToken);
            _inFlight.TryAdd(run, 0);
            _ = run.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }

        return messages.Length;
    }

    private int Reserve(int wanted)
    {
        while (wanted > 0)
        {
            var running = Volatile.Read(ref _running);
            var take = Math.Min(wanted, _options.MaxConcurrentTasks - running);
            if (take <= 0)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref _running, running + take, running) == running)
            {
                return take;
            }
        }

        return 0;
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
            wake.Set();
        }
    }

    // The first empty poll waits the minimum; each further one doubles it up to the ceiling.
    private TimeSpan NextDelay(TimeSpan current) => current == TimeSpan.Zero
        ? _options.MinPollDelay
        : TimeSpan.FromTicks(Math.Min(current.Ticks * 2, _options.MaxPollDelay.Ticks));

    // Downward only (−25 % … 0): several dispatchers do not poll in step, and the ceiling stays the longest wait, so
    // the worst idle pickup is MaxPollDelay plus one receive, not 1.2 × MaxPollDelay.
    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.75 + (Random.Shared.NextDouble() * 0.25));
}
