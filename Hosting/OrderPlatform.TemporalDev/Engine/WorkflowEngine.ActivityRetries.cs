using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    /// <summary>Retries a failed attempt after backoff, or writes the final outcome when the policy says stop.</summary>
    private void FailAttempt(WorkflowRun run, ActivityState activity, Failure failure)
    {
        RetryPolicy retry = activity.Attributes.RetryPolicy;
        string? errorType = failure.ApplicationFailureInfo?.Type;
        RetryState? final = null;
        if (failure.ApplicationFailureInfo?.NonRetryable == true
            || (errorType is not null && retry.NonRetryableErrorTypes.Contains(errorType)))
        {
            final = RetryState.NonRetryableFailure;
        }
        else if (retry.MaximumAttempts > 0 && activity.Attempt >= retry.MaximumAttempts)
        {
            final = RetryState.MaximumAttemptsReached;
        }

        TimeSpan delay = failure.ApplicationFailureInfo?.NextRetryDelay is { } next && next.ToTimeSpan() > TimeSpan.Zero
            ? next.ToTimeSpan()
            : TimeSpan.FromTicks((long)Math.Min(
                retry.InitialInterval.ToTimeSpan().Ticks * Math.Pow(retry.BackoffCoefficient, activity.Attempt - 1),
                retry.MaximumInterval.ToTimeSpan().Ticks));
        if (final is null && Positive(activity.Attributes.ScheduleToCloseTimeout) is { } s2c
            && DateTime.UtcNow + delay >= activity.ScheduledTime + s2c.ToTimeSpan())
        {
            final = RetryState.Timeout;
        }

        if (final is not null)
        {
            FinishActivity(run, activity, failure, final.Value);
            return;
        }

        activity.LastFailure = failure;
        activity.Running = false;
        activity.Attempt++;
        activity.AttemptScheduledTime = DateTime.UtcNow + delay;
        At(activity.AttemptScheduledTime, () =>
        {
            if (run.IsOpen && run.Activities.ContainsKey(activity.ScheduledEventId))
            {
                OfferActivity(run, activity);
            }
        });
    }

    /// <summary>
    /// Writes the final attempt: ActivityTaskStarted then the terminal event (built from <paramref name="terminal"/>, or a
    /// Failed/TimedOut event from <paramref name="failure"/>), as one outside event.
    /// </summary>
    private void FinishActivity(WorkflowRun run, ActivityState activity, Failure? failure, RetryState retryState,
        Func<long, long, HistoryEvent>? terminal = null)
    {
        run.Activities.Remove(activity.ScheduledEventId);
        activity.Running = false;
        terminal ??= (started, scheduledId) => failure?.TimeoutFailureInfo is not null
            ? new HistoryEvent
            {
                EventType = EventType.ActivityTaskTimedOut,
                ActivityTaskTimedOutEventAttributes = new ActivityTaskTimedOutEventAttributes
                {
                    Failure = failure,
                    ScheduledEventId = scheduledId,
                    StartedEventId = started,
                    RetryState = retryState,
                },
            }
            : new HistoryEvent
            {
                EventType = EventType.ActivityTaskFailed,
                ActivityTaskFailedEventAttributes = new ActivityTaskFailedEventAttributes
                {
                    Failure = failure,
                    ScheduledEventId = scheduledId,
                    StartedEventId = started,
                    RetryState = retryState,
                    Identity = activity.Identity,
                },
            };
        AddOutsideEvent(run, () =>
        {
            HistoryEvent started = Append(run, new HistoryEvent
            {
                EventType = EventType.ActivityTaskStarted,
                ActivityTaskStartedEventAttributes = new ActivityTaskStartedEventAttributes
                {
                    ScheduledEventId = activity.ScheduledEventId,
                    Identity = activity.Identity,
                    RequestId = Guid.NewGuid().ToString(),
                    Attempt = activity.Attempt,
                    LastFailure = activity.LastFailure,
                },
            });
            Append(run, terminal(started.EventId, activity.ScheduledEventId));
        });
    }

    /// <summary>Cancels at once when no worker holds the activity; otherwise the next heartbeat reports the request.</summary>
    private bool RequestCancelActivity(WorkflowRun run, long scheduledId, long completedId)
    {
        HistoryEvent requested = Append(run, new HistoryEvent
        {
            EventType = EventType.ActivityTaskCancelRequested,
            ActivityTaskCancelRequestedEventAttributes = new ActivityTaskCancelRequestedEventAttributes
            {
                ScheduledEventId = scheduledId,
                WorkflowTaskCompletedEventId = completedId,
            },
        });
        if (!run.Activities.TryGetValue(scheduledId, out ActivityState? activity))
        {
            return false;
        }

        activity.CancelRequestedEventId = requested.EventId;
        if (activity.Running)
        {
            return false;
        }

        run.Activities.Remove(scheduledId);
        Append(run, new HistoryEvent
        {
            EventType = EventType.ActivityTaskCanceled,
            ActivityTaskCanceledEventAttributes = new ActivityTaskCanceledEventAttributes
            {
                LatestCancelRequestedEventId = requested.EventId,
                ScheduledEventId = scheduledId,
            },
        });
        return true;
    }
}
