using Google.Protobuf.WellKnownTypes;
using OrderPlatform.TemporalDev.Grpc;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    private static readonly HashSet<CommandType> ClosingCommands =
    [
        CommandType.CompleteWorkflowExecution,
        CommandType.FailWorkflowExecution,
        CommandType.CancelWorkflowExecution,
        CommandType.ContinueAsNewWorkflowExecution,
    ];

    /// <summary>
    /// Adds an event from outside the workflow (signal, activity outcome, timer fire, cancel request): buffered while
    /// a task is started, otherwise appended at once with a task scheduled.
    /// </summary>
    private void AddOutsideEvent(WorkflowRun run, Action append)
    {
        if (!run.IsOpen)
        {
            return;
        }

        if (run.TaskStartedId != 0)
        {
            run.Buffer.Add(append);
            return;
        }

        append();
        ScheduleWorkflowTask(run);
    }

    private bool FlushBuffer(WorkflowRun run)
    {
        if (run.Buffer.Count == 0)
        {
            return false;
        }

        List<Action> buffered = [.. run.Buffer];
        run.Buffer.Clear();
        buffered.ForEach(a => a());
        return true;
    }

    private void ScheduleWorkflowTask(WorkflowRun run)
    {
        if (!run.IsOpen || run.TaskScheduledId != 0)
        {
            return;
        }

        DropStickyOfGoneWorker(run);
        HistoryEvent e = Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskScheduled,
            WorkflowTaskScheduledEventAttributes = new WorkflowTaskScheduledEventAttributes
            {
                TaskQueue = run.StickyQueue is { } sticky
                    ? new TaskQueue { Name = sticky, Kind = TaskQueueKind.Sticky, NormalName = run.Start.TaskQueue.Name }
                    : new TaskQueue { Name = run.Start.TaskQueue.Name, Kind = TaskQueueKind.Normal },
                StartToCloseTimeout = run.TaskTimeout,
                Attempt = run.TaskAttempt,
            },
        });
        run.TaskScheduledId = e.EventId;
        run.TaskScheduledTime = DateTime.UtcNow;
        ArmStickyScheduleToStart(run);
        OfferWorkflowWork(run);
    }

    /// <summary>Wakes a poller of the queue the run's work is routed to: its sticky queue if it has one, else the normal one.</summary>
    private void OfferWorkflowWork(WorkflowRun run)
    {
        DropStickyOfGoneWorker(run);
        TaskQueueState queue = Queue(run.Namespace, run.StickyQueue ?? run.Start.TaskQueue.Name);
        queue.WorkflowWork.Enqueue(run);
        queue.WorkflowSignal.Pulse();
    }

    public Task<PollWorkflowTaskQueueResponse?> PollWorkflowTaskAsync(PollWorkflowTaskQueueRequest request, CancellationToken cancel)
    {
        bool sticky = request.TaskQueue.Kind == TaskQueueKind.Sticky;
        return LongPollAsync(() =>
        {
            TaskQueueState queue = Queue(request.Namespace, request.TaskQueue.Name);
            while (queue.WorkflowWork.TryDequeue(out WorkflowRun? run))
            {
                // A run whose stickiness changed since it was queued here is now offered on its other queue.
                if (run.StickyQueue != (sticky ? request.TaskQueue.Name : null))
                {
                    continue;
                }

                PollWorkflowTaskQueueResponse? reply = TryDispatchWorkflowTask(run, request.Identity, sticky)
                    ?? TryDispatchQuery(run, sticky);
                if (reply is not null)
                {
                    return (reply, null);
                }
            }

            return ((PollWorkflowTaskQueueResponse?)null, queue.WorkflowSignal.WaitTask);
        }, PollHold, cancel);
    }

    private PollWorkflowTaskQueueResponse? TryDispatchWorkflowTask(WorkflowRun run, string identity, bool sticky)
    {
        if (!run.IsOpen || run.TaskScheduledId == 0 || run.TaskStartedId != 0 || run.ActiveQuery is not null)
        {
            return null;
        }

        HistoryEvent started = Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskStarted,
            WorkflowTaskStartedEventAttributes = new WorkflowTaskStartedEventAttributes
            {
                ScheduledEventId = run.TaskScheduledId,
                Identity = identity,
                RequestId = Guid.NewGuid().ToString(),
                HistorySizeBytes = 0,
            },
        });
        run.TaskStartedId = started.EventId;
        run.TaskStartedTime = DateTime.UtcNow;
        long startedId = started.EventId;
        At(run.TaskStartedTime + run.TaskTimeout.ToTimeSpan(), () => TimeOutWorkflowTask(run, startedId));
        // The sticky worker holds the run up to the last completed task, so it gets only what came after (as Temporal
        // does); a cache miss there makes sdk-core fetch the rest with GetWorkflowExecutionHistory.
        int firstEvent = sticky ? (int)run.LastCompletedStartedId : 0;
        PollWorkflowTaskQueueResponse reply = NewWorkflowTaskReply(
            run, new TaskToken(TaskToken.Workflow, run.RunId, startedId, run.TaskAttempt, ""), startedId, firstEvent);
        AttachUpdates(run, reply, startedId);
        return reply;
    }

    /// <summary>A poll reply carrying the run's history from the 0-based index <paramref name="firstEvent"/> on.</summary>
    private static PollWorkflowTaskQueueResponse NewWorkflowTaskReply(WorkflowRun run, TaskToken token, long startedId, int firstEvent)
    {
        var reply = new PollWorkflowTaskQueueResponse
        {
            TaskToken = token.ToByteString(),
            WorkflowExecution = run.Execution,
            WorkflowType = run.Start.WorkflowType,
            WorkflowExecutionTaskQueue = new TaskQueue { Name = run.Start.TaskQueue.Name, Kind = TaskQueueKind.Normal },
            PreviousStartedEventId = run.LastCompletedStartedId,
            StartedEventId = startedId,
            Attempt = startedId == 0 ? 1 : run.TaskAttempt,
            ScheduledTime = Timestamp.FromDateTime(startedId == 0 ? DateTime.UtcNow : run.TaskScheduledTime),
            StartedTime = Timestamp.FromDateTime(startedId == 0 ? DateTime.UtcNow : run.TaskStartedTime),
            History = new History(),
        };
        // Appended events are never mutated, so replies can share them instead of cloning the whole history.
        reply.History.Events.AddRange(firstEvent == 0 ? run.History : run.History.GetRange(firstEvent, run.History.Count - firstEvent));
        return reply;
    }

    private WorkflowRun CurrentTaskRun(TaskToken? token)
    {
        if (token is not { Kind: TaskToken.Workflow } t || !_runs.TryGetValue(t.RunId, out WorkflowRun? run)
            || !run.IsOpen || run.TaskStartedId != t.Id)
        {
            throw RpcErrors.NotFound("workflow task not found (stale or already completed)");
        }

        return run;
    }

    public RespondWorkflowTaskCompletedResponse CompleteWorkflowTask(RespondWorkflowTaskCompletedRequest request) => Locked(() =>
    {
        WorkflowRun run = CurrentTaskRun(TaskToken.Parse(request.TaskToken));
        // A completion that failed part-way must not hand its eager activities to the next one.
        _eagerActivities.Clear();
        bool closes = request.Commands.Any(c => ClosingCommands.Contains(c.CommandType));
        if (closes && run.Buffer.Count > 0)
        {
            FailWorkflowTask(run, WorkflowTaskFailedCause.UnhandledCommand, null, request.Identity, resetAttempt: true);
            // NOT_FOUND makes sdk-core evict the run: a cached worker would otherwise keep the state in which the
            // workflow already finished and never see the buffered events it must now handle.
            throw RpcErrors.NotFound("workflow task failed with UNHANDLED_COMMAND: new events arrived; a new task is scheduled");
        }

        foreach (Command command in request.Commands)
        {
            RejectUnsupported(command);
        }

        HistoryEvent completed = Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskCompleted,
            WorkflowTaskCompletedEventAttributes = new WorkflowTaskCompletedEventAttributes
            {
                ScheduledEventId = run.TaskScheduledId,
                StartedEventId = run.TaskStartedId,
                Identity = request.Identity,
                SdkMetadata = request.SdkMetadata,
                MeteringMetadata = request.MeteringMetadata,
            },
        });
        // Set before the commands run: any task or query they cause is routed by it.
        TakeStickyAttributes(run, request.StickyAttributes);
        long startedId = run.TaskStartedId;
        run.LastCompletedStartedId = startedId;
        run.TaskScheduledId = 0;
        run.TaskStartedId = 0;
        run.TaskAttempt = 1;
        TakeMessages(run, request.Messages);

        try
        {
            bool needTask = request.ForceCreateNewWorkflowTask;
            foreach (Command command in request.Commands)
            {
                needTask |= ApplyCommand(run, command, completed.EventId);
                if (!run.IsOpen)
                {
                    break;
                }
            }

            if (run.IsOpen)
            {
                ApplyRemainingMessages(run);
                SettleUnansweredUpdates(run, startedId, request.ForceCreateNewWorkflowTask);
            }

            // Updates admitted while this task ran still need a task to carry them.
            needTask |= run.Updates.Values.Any(u => u.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted && u.DeliveredIn == 0);
            needTask |= FlushBuffer(run);
            RunAfterCommands();
            if (needTask)
            {
                ScheduleWorkflowTask(run);
            }

            if (run.Queries.Count > 0)
            {
                OfferWorkflowWork(run);
            }
        }
        catch
        {
            // A command that fails after an eager activity was scheduled must not strand it: nobody would poll for it.
            OfferUnstartedEagerActivities(run);
            throw;
        }

        var reply = new RespondWorkflowTaskCompletedResponse();
        StartEagerActivities(run, reply, request.Identity);
        return reply;
    });

    public RespondWorkflowTaskFailedResponse FailWorkflowTask(RespondWorkflowTaskFailedRequest request) => Locked(() =>
    {
        WorkflowRun run = CurrentTaskRun(TaskToken.Parse(request.TaskToken));
        FailWorkflowTask(run, request.Cause, request.Failure, request.Identity, resetAttempt: false);
        return new RespondWorkflowTaskFailedResponse();
    });

    private void FailWorkflowTask(WorkflowRun run, WorkflowTaskFailedCause cause, Failure? failure, string identity, bool resetAttempt)
    {
        Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskFailed,
            WorkflowTaskFailedEventAttributes = new WorkflowTaskFailedEventAttributes
            {
                ScheduledEventId = run.TaskScheduledId,
                StartedEventId = run.TaskStartedId,
                Cause = cause,
                Failure = failure,
                Identity = identity,
            },
        });
        RetryWorkflowTask(run, resetAttempt);
    }

    private void TimeOutWorkflowTask(WorkflowRun run, long startedId)
    {
        if (!run.IsOpen || run.TaskStartedId != startedId)
        {
            return;
        }

        Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowTaskTimedOut,
            WorkflowTaskTimedOutEventAttributes = new WorkflowTaskTimedOutEventAttributes
            {
                ScheduledEventId = run.TaskScheduledId,
                StartedEventId = run.TaskStartedId,
                TimeoutType = TimeoutType.StartToClose,
            },
        });
        RetryWorkflowTask(run, resetAttempt: false);
    }

    private void RetryWorkflowTask(WorkflowRun run, bool resetAttempt)
    {
        // As in Temporal, a task that failed or timed out while the run was sticky is retried once on the normal queue
        // with full history before attempts count: the sticky worker's cache is the likely culprit.
        bool wasSticky = run.StickyQueue is not null;
        run.StickyQueue = null;
        run.TaskAttempt = resetAttempt ? 1 : wasSticky ? run.TaskAttempt : run.TaskAttempt + 1;
        RequeueUpdates(run);
        run.TaskScheduledId = 0;
        run.TaskStartedId = 0;
        FlushBuffer(run);
        ScheduleWorkflowTask(run);
    }
}
