using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using OrderPlatform.TaskDispatcher.Backends;
using OrderPlatform.TaskDispatcher.Completion;
using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskDispatcher.Dispatch;

/// <summary>
/// One received message from lease to outcome (spec §4): validate, GET the named run and adopt or start it, watch it
/// under the lease, then complete (record → delete message → delete run) or fail (delete run → release or poison).
/// </summary>
public sealed class TaskRunner(
    ITaskBackend backend,
    CompletionRecorder recorder,
    PoisonQueue poison,
    IOptions<DispatcherOptions> options,
    IOptions<WebhookOptions> webhooks,
    DispatchMetrics metrics,
    TimeProvider time,
    ILogger<TaskRunner> logger)
{
    private const int LogTailLines = 100;
    private readonly DispatcherOptions _options = options.Value;

    public async Task RunAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        await using var lease = new MessageLease(queue, message, _options.VisibilityTimeout, time, logger);
        TaskRun run;
        try
        {
            var (task, json) = TaskMessageReader.Read(message.Body.ToMemory().Span, _options.MessageEncoding);
            run = new TaskRun(queue, message, lease, task, json, webhooks.Value.Resolve(task.WebhookUrl), time.GetUtcNow());
        }
        catch (Exception ex) when (ex is InvalidTaskMessageException or UriFormatException)
        {
            using var rejected = DispatchMetrics.StartTaskActivity(queue.Name, message.MessageId, null);
            await poison.MoveAsync(queue, message, lease, ex.Message, cancellationToken);
            return;
        }

        using var activity = DispatchMetrics.StartTaskActivity(queue.Name, message.MessageId, run.Task.TraceParent);
        activity?.SetTag("task.type", run.Task.TaskType);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.LostToken);
        if (!await StartOrAdoptAsync(run, stop.Token))
        {
            return;
        }

        metrics.Running(1);
        try
        {
            await FinishAsync(run, stop.Token);
        }
        catch (OperationCanceledException) when (lease.Lost && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Lease on {MessageId} lost while running {Name}; its new holder adopts the run", message.MessageId, run.Name);
        }
        finally
        {
            metrics.Running(-1);
            activity?.SetTag("taskdispatch.lease.renewals", lease.Renewals);
        }
    }

    /// <summary>GET before start (spec §5): adopt whatever exists; false when the message was failed without a run.</summary>
    private async Task<bool> StartOrAdoptAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var message = run.Message;
        var instance = await backend.GetAsync(run.Name, cancellationToken);
        if (instance is null && message.DequeueCount > _options.MaxDequeueCount)
        {
            // Earlier attempts crashed before starting anything: do not start it yet again.
            await FailAsync(run, null, CompletionReport.Failed, cancellationToken);
            return false;
        }

        if (instance is null)
        {
            await backend.StartAsync(new TaskStartRequest(run.Name, run.Client, message.MessageId, run.Task.TaskType, run.Json), cancellationToken);
            metrics.Started(run.Queue.Name, message.DequeueCount == 1 && message.InsertedOn is { } inserted ? time.GetUtcNow() - inserted : null);
        }
        else
        {
            logger.LogInformation("Adopting {Name} ({State}) for message {MessageId}, delivery {DequeueCount}", run.Name, instance.State, message.MessageId, message.DequeueCount);
        }

        return true;
    }

    private async Task FinishAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var (instance, outcome) = await WatchAsync(run, cancellationToken);
        if (instance is { Succeeded: true })
        {
            await CompleteAsync(run, instance, cancellationToken);
        }
        else
        {
            await FailAsync(run, instance, outcome, cancellationToken);
        }
    }

    /// <summary>Until the run is terminal or past its timeout (then it is stopped and removed: a failure).</summary>
    private async Task<(TaskInstance? Instance, string Outcome)> WatchAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var timeout = run.Task.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : _options.DefaultTaskTimeout;
        while (true)
        {
            var instance = await backend.GetAsync(run.Name, cancellationToken);
            if (instance is null || instance.IsTerminal)
            {
                return (instance, CompletionReport.Failed);
            }

            if (time.GetUtcNow() - (instance.StartedAt ?? run.ReceivedAt) > timeout)
            {
                logger.LogWarning("{Name} ran past its {Timeout} timeout; stopping it", run.Name, timeout);
                var log = await backend.GetLogTailAsync(run.Name, LogTailLines, cancellationToken);
                await backend.DeleteAsync(run.Name, cancellationToken);
                run.LogTail = log;
                return (instance with { State = TaskInstanceState.Stopped, FinishedAt = time.GetUtcNow() }, CompletionReport.TimedOut);
            }

            await Task.Delay(_options.WatchInterval, time, cancellationToken);
        }
    }

    private async Task CompleteAsync(TaskRun run, TaskInstance instance, CancellationToken cancellationToken)
    {
        var report = run.Report(CompletionReport.Succeeded, instance, await backend.GetLogTailAsync(run.Name, LogTailLines, cancellationToken), final: true, backend.NoLogTailReason);
        if (!await recorder.RecordAsync(run.Webhook, report, cancellationToken))
        {
            // Not recorded: let the message come back; the run stays, so the next holder only completes it.
            await run.Lease.ReleaseAsync(_options.RetryDelay(run.Message.DequeueCount), cancellationToken);
            return;
        }

        // Message before run: a crash in between leaves an orphan run to clean up, never a second execution.
        if (await run.Lease.DeleteAsync(cancellationToken))
        {
            metrics.Succeeded(run.Queue.Name);
        }

        await backend.DeleteAsync(run.Name, cancellationToken);
    }

    private async Task FailAsync(TaskRun run, TaskInstance? instance, string outcome, CancellationToken cancellationToken)
    {
        var log = run.LogTail ?? (instance is null ? "" : await backend.GetLogTailAsync(run.Name, LogTailLines, cancellationToken));
        await backend.DeleteAsync(run.Name, cancellationToken);
        metrics.Failed(run.Queue.Name, outcome);
        var final = run.Message.DequeueCount >= _options.MaxDequeueCount;
        if (!final)
        {
            await run.Lease.ReleaseAsync(_options.RetryDelay(run.Message.DequeueCount), cancellationToken);
            return;
        }

        if (await recorder.RecordAsync(run.Webhook, run.Report(outcome, instance, log, final: true, backend.NoLogTailReason), cancellationToken))
        {
            await poison.MoveAsync(run.Queue, run.Message, run.Lease, $"{outcome} at delivery {run.Message.DequeueCount}", cancellationToken);
        }
        else
        {
            await run.Lease.ReleaseAsync(_options.RetryDelay(run.Message.DequeueCount), cancellationToken);
        }
    }
}
