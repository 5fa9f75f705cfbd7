using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OrderPlatform.TemporalDev.Grpc;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    // Activities of the completion being applied that its worker asked to run eagerly (see StartEagerActivities).
    private readonly List<ActivityState> _eagerActivities = [];

    private void ScheduleActivity(WorkflowRun run, ScheduleActivityTaskCommandAttributes command, long completedId)
    {
        Duration? scheduleToClose = Positive(command.ScheduleToCloseTimeout);
        var retry = command.RetryPolicy?.Clone() ?? new RetryPolicy();
        retry.InitialInterval = Positive(retry.InitialInterval) ?? Duration.FromTimeSpan(TimeSpan.FromSeconds(1));
        retry.BackoffCoefficient = retry.BackoffCoefficient > 0 ? retry.BackoffCoefficient : 2.0;
        retry.MaximumInterval = Positive(retry.MaximumInterval) ?? Duration.FromTimeSpan(retry.InitialInterval.ToTimeSpan() * 100);
        var attributes = new ActivityTaskScheduledEventAttributes
        {
            ActivityId = command.ActivityId,
            ActivityType = command.ActivityType,
            TaskQueue = new TaskQueue
            {
                Name = string.IsNullOrEmpty(command.TaskQueue?.Name) ? run.Start.TaskQueue.Name : command.TaskQueue.Name,
                Kind = TaskQueueKind.Normal,
            },
            Header = command.Header,
            Input = command.Input,
            ScheduleToCloseTimeout = scheduleToClose,
            ScheduleToStartTimeout = Positive(command.ScheduleToStartTimeout) ?? scheduleToClose,
            StartToCloseTimeout = Positive(command.StartToCloseTimeout) ?? scheduleToClose,
            HeartbeatTimeout = Positive(command.HeartbeatTimeout),
            WorkflowTaskCompletedEventId = completedId,
            RetryPolicy = retry,
            Priority = command.Priority,
        };
        HistoryEvent scheduled = Append(run, new HistoryEvent
        {
            EventType = EventType.ActivityTaskScheduled,
            ActivityTaskScheduledEventAttributes = attributes,
        });
        var activity = new ActivityState(scheduled.EventId, attributes, DateTime.UtcNow);
        // As Temporal does (with eager execution enabled, as the SDK's dev-server launcher sets it), an activity for the
        // completing worker's own task queue goes back in the completion's reply instead of through a poll.
        bool eager = command.RequestEagerExecution && attributes.TaskQueue.Name == run.Start.TaskQueue.Name;
        ArmActivity(run, activity, offer: !eager);
        if (eager)
        {
            _eagerActivities.Add(activity);
        }
    }

    /// <summary>
    /// Starts the first attempt of the activities a completion asked to run eagerly, once all its commands are applied
    /// (a later command may have closed the run); the reply carries them to the worker.
    /// </summary>
    private void StartEagerActivities(WorkflowRun run, RespondWorkflowTaskCompletedResponse reply, string identity)
    {
        foreach (ActivityState activity in TakeEagerActivities(run))
        {
            reply.ActivityTasks.Add(StartActivityAttempt(run, activity, identity));
        }
    }

    /// <summary>Hands the eager activities of a completion that failed part-way to pollers, as if never eager.</summary>
    private void OfferUnstartedEagerActivities(WorkflowRun run)
    {
        foreach (ActivityState activity in TakeEagerActivities(run))
        {
            OfferActivity(run, activity);
        }
    }

    /// <summary>The completion's eager activities still pending on an open run (a later command may have closed or cancelled them).</summary>
    private List<ActivityState> TakeEagerActivities(WorkflowRun run)
    {
        List<ActivityState> pending = [.. _eagerActivities.Where(activity => run.IsOpen && !activity.Running
            && run.Activities.TryGetValue(activity.ScheduledEventId, out ActivityState? current) && current == activity)];
        _eagerActivities.Clear();
        return pending;
    }

    /// <summary>Registers a pending activity, arms its schedule-to-close deadline and offers its first attempt.</summary>
    private void ArmActivity(WorkflowRun run, ActivityState activity, bool offer = true)
    {
        run.Activities[activity.ScheduledEventId] = activity;
        if (Positive(activity.Attributes.ScheduleToCloseTimeout) is { } s2c)
        {
            At(activity.ScheduledTime + s2c.ToTimeSpan(), () =>
            {
                if (run.Activities.ContainsKey(activity.ScheduledEventId))
                {
                    FinishActivity(run, activity, TimeoutFailure(TimeoutType.ScheduleToClose, activity), RetryState.Timeout);
                }
            });
        }

        if (offer)
        {
            OfferActivity(run, activity);
        }
    }

    private void OfferActivity(WorkflowRun run, ActivityState activity)
    {
        TaskQueueState queue = Queue(run.Namespace, activity.Attributes.TaskQueue.Name);
        queue.ActivityWork.Enqueue((run, activity, activity.Attempt));
        queue.ActivitySignal.Pulse();
    }

    public Task<PollActivityTaskQueueResponse?> PollActivityTaskAsync(PollActivityTaskQueueRequest request, CancellationToken cancel) =>
        LongPollAsync(() =>
        {
            TaskQueueState queue = Queue(request.Namespace, request.TaskQueue.Name);
            while (queue.ActivityWork.TryDequeue(out var work))
            {
                (WorkflowRun run, ActivityState activity, int attempt) = work;
                if (run.IsOpen && !activity.Running && activity.Attempt == attempt
                    && run.Activities.TryGetValue(activity.ScheduledEventId, out ActivityState? current) && current == activity)
                {
                    return (StartActivityAttempt(run, activity, request.Identity), null);
                }
            }

            return ((PollActivityTaskQueueResponse?)null, queue.ActivitySignal.WaitTask);
        }, PollHold, cancel);

    private PollActivityTaskQueueResponse StartActivityAttempt(WorkflowRun run, ActivityState activity, string identity)
    {
        activity.Running = true;
        activity.StartedTime = DateTime.UtcNow;
        activity.LastHeartbeatTime = activity.StartedTime;
        activity.Identity = identity;
        int attempt = activity.Attempt;
        if (Positive(activity.Attributes.StartToCloseTimeout) is { } s2c)
        {
            At(activity.StartedTime + s2c.ToTimeSpan(), () => CheckAttemptTimeout(run, activity, attempt, TimeoutType.StartToClose));
        }

        ArmHeartbeatCheck(run, activity);
        ActivityTaskScheduledEventAttributes a = activity.Attributes;
        return new PollActivityTaskQueueResponse
        {
            TaskToken = new TaskToken(TaskToken.Activity, run.RunId, activity.ScheduledEventId, attempt, "").ToByteString(),
            WorkflowNamespace = run.Namespace,
            WorkflowType = run.Start.WorkflowType,
            WorkflowExecution = run.Execution,
            ActivityType = a.ActivityType,
            ActivityId = a.ActivityId,
            Header = a.Header,
            Input = a.Input,
            HeartbeatDetails = activity.HeartbeatDetails,
            ScheduledTime = Timestamp.FromDateTime(activity.ScheduledTime),
            CurrentAttemptScheduledTime = Timestamp.FromDateTime(activity.AttemptScheduledTime),
            StartedTime = Timestamp.FromDateTime(activity.StartedTime),
            Attempt = attempt,
            ScheduleToCloseTimeout = a.ScheduleToCloseTimeout,
            StartToCloseTimeout = a.StartToCloseTimeout,
            HeartbeatTimeout = a.HeartbeatTimeout,
            RetryPolicy = a.RetryPolicy,
            Priority = a.Priority,
        };
    }

    private void ArmHeartbeatCheck(WorkflowRun run, ActivityState activity)
    {
        if (Positive(activity.Attributes.HeartbeatTimeout) is { } heartbeat)
        {
            int attempt = activity.Attempt;
            At(activity.LastHeartbeatTime + heartbeat.ToTimeSpan(), () => CheckAttemptTimeout(run, activity, attempt, TimeoutType.Heartbeat));
        }
    }

    private void CheckAttemptTimeout(WorkflowRun run, ActivityState activity, int attempt, TimeoutType type)
    {
        if (!activity.Running || activity.Attempt != attempt || !run.Activities.ContainsKey(activity.ScheduledEventId))
        {
            return;
        }

        // Heartbeat checks are re-armed on each heartbeat; an earlier check that finds a fresh heartbeat does nothing.
        if (type == TimeoutType.Heartbeat
            && DateTime.UtcNow < activity.LastHeartbeatTime + activity.Attributes.HeartbeatTimeout.ToTimeSpan())
        {
            return;
        }

        FailAttempt(run, activity, TimeoutFailure(type, activity));
    }

    private static Failure TimeoutFailure(TimeoutType type, ActivityState activity) => new()
    {
        Message = $"activity {type} timeout",
        TimeoutFailureInfo = new TimeoutFailureInfo { TimeoutType = type, LastHeartbeatDetails = activity.HeartbeatDetails },
    };

    private ActivityState RunningActivity(ByteString token, out WorkflowRun run)
    {
        if (TaskToken.Parse(token) is not { Kind: TaskToken.Activity } t || !_runs.TryGetValue(t.RunId, out WorkflowRun? found)
            || !found.IsOpen || !found.Activities.TryGetValue(t.Id, out ActivityState? activity)
            || !activity.Running || activity.Attempt != t.Attempt)
        {
            throw RpcErrors.NotFound("activity task not found (stale attempt or closed workflow)");
        }

        run = found;
        return activity;
    }

    public RecordActivityTaskHeartbeatResponse Heartbeat(RecordActivityTaskHeartbeatRequest request) => Locked(() =>
    {
        ActivityState activity = RunningActivity(request.TaskToken, out WorkflowRun run);
        activity.HeartbeatDetails = request.Details ?? activity.HeartbeatDetails;
        activity.LastHeartbeatTime = DateTime.UtcNow;
        ArmHeartbeatCheck(run, activity);
        return new RecordActivityTaskHeartbeatResponse { CancelRequested = activity.CancelRequestedEventId != 0 };
    });

    public RespondActivityTaskCompletedResponse CompleteActivity(RespondActivityTaskCompletedRequest request) => Locked(() =>
    {
        ActivityState activity = RunningActivity(request.TaskToken, out WorkflowRun run);
        FinishActivity(run, activity, null, RetryState.Unspecified, (started, scheduledId) => new HistoryEvent
        {
            EventType = EventType.ActivityTaskCompleted,
            ActivityTaskCompletedEventAttributes = new ActivityTaskCompletedEventAttributes
            {
                Result = request.Result,
                ScheduledEventId = scheduledId,
                StartedEventId = started,
                Identity = request.Identity,
            },
        });
        return new RespondActivityTaskCompletedResponse();
    });

    public RespondActivityTaskFailedResponse FailActivity(RespondActivityTaskFailedRequest request) => Locked(() =>
    {
        ActivityState activity = RunningActivity(request.TaskToken, out WorkflowRun run);
        activity.HeartbeatDetails = request.LastHeartbeatDetails ?? activity.HeartbeatDetails;
        FailAttempt(run, activity, request.Failure);
        return new RespondActivityTaskFailedResponse();
    });

    public RespondActivityTaskCanceledResponse CancelActivity(RespondActivityTaskCanceledRequest request) => Locked(() =>
    {
        ActivityState activity = RunningActivity(request.TaskToken, out WorkflowRun run);
        FinishActivity(run, activity, null, RetryState.Unspecified, (started, scheduledId) => new HistoryEvent
        {
            EventType = EventType.ActivityTaskCanceled,
            ActivityTaskCanceledEventAttributes = new ActivityTaskCanceledEventAttributes
            {
                Details = request.Details,
                LatestCancelRequestedEventId = activity.CancelRequestedEventId,
                ScheduledEventId = scheduledId,
                StartedEventId = started,
                Identity = request.Identity,
            },
        });
        return new RespondActivityTaskCanceledResponse();
    });
}
