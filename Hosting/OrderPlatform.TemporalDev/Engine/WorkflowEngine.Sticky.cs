using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

/// <summary>
/// Sticky routing as Temporal does it: a caching worker names its own queue in each completion, the run's next tasks
/// go there with only the events since the last completed task, and the run falls back to the normal queue (full
/// history) when that worker does not pick a task up in time, fails a task, shuts down, or stickiness is reset.
/// Stickiness lives in memory only: after a restart every run starts on its normal queue.
/// </summary>
internal sealed partial class WorkflowEngine
{
    // Temporal's and sdk-core's default, for a completion that names a sticky queue without a timeout.
    private static readonly TimeSpan DefaultStickyScheduleToStart = TimeSpan.FromSeconds(10);

    private static void TakeStickyAttributes(WorkflowRun run, StickyExecutionAttributes? attributes)
    {
        if (attributes?.WorkerTaskQueue is not { Name.Length: > 0 } queue)
        {
            run.StickyQueue = null;
            return;
        }

        TimeSpan timeout = attributes.ScheduleToStartTimeout?.ToTimeSpan() ?? TimeSpan.Zero;
        run.StickyQueue = queue.Name;
        run.StickyScheduleToStart = timeout > TimeSpan.Zero ? timeout : DefaultStickyScheduleToStart;
    }

    /// <summary>Routes the run's work to the normal queue from now on; work already waiting moves there.</summary>
    private void ClearSticky(WorkflowRun run)
    {
        if (run.StickyQueue is null)
        {
            return;
        }

        run.StickyQueue = null;
        if ((run.TaskScheduledId != 0 && run.TaskStartedId == 0) || run.Queries.Count > 0)
        {
            OfferWorkflowWork(run);
        }
    }

    /// <summary>Forgets a sticky queue whose worker has shut down, so nothing more waits there for a timeout.</summary>
    private void DropStickyOfGoneWorker(WorkflowRun run)
    {
        if (run.StickyQueue is { } name && _queues.TryGetValue((run.Namespace, name), out TaskQueueState? queue) && queue.ShutDown)
        {
            run.StickyQueue = null;
        }
    }

    /// <summary>
    /// A task scheduled on a sticky queue that nobody starts within the worker's schedule-to-start timeout times out
    /// (WorkflowTaskTimedOut, SCHEDULE_TO_START) and is scheduled again on the normal queue, attempt unchanged.
    /// </summary>
    private void ArmStickyScheduleToStart(WorkflowRun run)
    {
        if (run.StickyQueue is not { } queue)
        {
            return;
        }

        long scheduledId = run.TaskScheduledId;
        At(run.TaskScheduledTime + run.StickyScheduleToStart, () =>
        {
            if (!run.IsOpen || run.TaskScheduledId != scheduledId || run.TaskStartedId != 0 || run.StickyQueue != queue)
            {
                return;
            }

            Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowTaskTimedOut,
                WorkflowTaskTimedOutEventAttributes = new WorkflowTaskTimedOutEventAttributes
                {
                    ScheduledEventId = scheduledId,
                    TimeoutType = TimeoutType.ScheduleToStart,
                },
            });
            RetryWorkflowTask(run, resetAttempt: false);
        });
    }

    /// <summary>
    /// A query waiting on a sticky queue that no worker takes within the schedule-to-start timeout moves to the normal
    /// queue, as Temporal retries a sticky query there. Armed for every query, since a run may turn sticky while its
    /// query waits behind a workflow task; time spent behind a task or another query does not count.
    /// </summary>
    private void ArmStickyQueryFallback(WorkflowRun run, PendingQuery query)
    {
        string? queue = run.StickyQueue;
        TimeSpan timeout = queue is null ? DefaultStickyScheduleToStart : run.StickyScheduleToStart;
        At(DateTime.UtcNow + timeout, () =>
        {
            if (!run.Queries.Contains(query))
            {
                return;
            }

            if (queue is null || run.StickyQueue != queue || run.TaskScheduledId != 0 || run.ActiveQuery is not null)
            {
                ArmStickyQueryFallback(run, query);
                return;
            }

            ClearSticky(run);
        });
    }

    public ResetStickyTaskQueueResponse ResetStickyTaskQueue(ResetStickyTaskQueueRequest request) => Locked(() =>
    {
        ClearSticky(RunOrThrow(request.Namespace, request.Execution.WorkflowId, request.Execution.RunId));
        return new ResetStickyTaskQueueResponse();
    });

    /// <summary>
    /// sdk-core names its sticky queue when it stops: like Temporal's matching service unloading that queue, the
    /// runs waiting there move to the normal queue at once, and later tasks of runs stuck to it go there too.
    /// </summary>
    public ShutdownWorkerResponse ShutdownWorker(ShutdownWorkerRequest request) => Locked(() =>
    {
        if (string.IsNullOrEmpty(request.StickyTaskQueue))
        {
            return new ShutdownWorkerResponse();
        }

        TaskQueueState queue = Queue(request.Namespace, request.StickyTaskQueue);
        queue.ShutDown = true;
        List<WorkflowRun> waiting = [.. queue.WorkflowWork.Distinct().Where(r => r.StickyQueue == request.StickyTaskQueue)];
        queue.WorkflowWork.Clear();
        waiting.ForEach(ClearSticky);
        return new ShutdownWorkerResponse();
    });
}
