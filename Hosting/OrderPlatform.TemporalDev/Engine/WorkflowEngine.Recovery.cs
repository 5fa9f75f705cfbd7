using OrderPlatform.TemporalDev.Persistence;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    /// <summary>
    /// Rebuilds runs after a restart: pending activities, timers and the workflow task come back from the history.
    /// A task that was started when the server died is timed out so a worker gets a fresh one.
    /// </summary>
    private void Recover(List<StoredRun> stored)
    {
        lock (_gate)
        {
            foreach (StoredRun s in stored)
            {
                var run = new WorkflowRun(s.Namespace, s.Start.WorkflowId, s.RunId, s.Start)
                {
                    Status = s.Status,
                    StartTime = s.StartTime,
                    CloseTime = s.CloseTime,
                    SearchAttributes = s.Start.SearchAttributes?.Clone() ?? new(),
                    Memo = s.Start.Memo?.Clone() ?? new(),
                };
                run.History.AddRange(s.History.Events);
                run.RequestIds.Add(s.Start.RequestId);
                if (run.History[0].WorkflowExecutionStartedEventAttributes is { ParentWorkflowExecution: { } parent } started)
                {
                    run.Parent = new ParentRef(parent.RunId, started.ParentInitiatedEventId);
                }

                _runs[run.RunId] = run;
                _current[(run.Namespace, run.WorkflowId)] = run;
            }

            // Children link to runs loaded in any order, so open runs are rebuilt once everything is loaded.
            foreach (WorkflowRun run in _runs.Values.Where(r => r.IsOpen).ToList())
            {
                RebuildOpenRun(run);
            }

            Persist();
        }
    }

    private void RebuildOpenRun(WorkflowRun run)
    {
        Dictionary<long, HistoryEvent> activities = [];
        Dictionary<string, HistoryEvent> timers = [];
        Dictionary<long, HistoryEvent> children = [];
        foreach (HistoryEvent e in run.History)
        {
            if (ChildInitiatedId(e) is { } closedChild)
            {
                children.Remove(closedChild);
                run.Children.Remove(closedChild);
            }

            switch (e.EventType)
            {
                case EventType.StartChildWorkflowExecutionInitiated: children[e.EventId] = e; break;
                case EventType.ChildWorkflowExecutionStarted:
                    ChildWorkflowExecutionStartedEventAttributes cs = e.ChildWorkflowExecutionStartedEventAttributes;
                    WorkflowRun current = _current.GetValueOrDefault((run.Namespace, cs.WorkflowExecution.WorkflowId)) ?? _runs[cs.WorkflowExecution.RunId];
                    run.Children[cs.InitiatedEventId] = new ChildRef(current.RunId, e.EventId,
                        children[cs.InitiatedEventId].StartChildWorkflowExecutionInitiatedEventAttributes.ParentClosePolicy);
                    children.Remove(cs.InitiatedEventId);
                    break;
                case EventType.ActivityTaskScheduled: activities[e.EventId] = e; break;
                case EventType.ActivityTaskCompleted: activities.Remove(e.ActivityTaskCompletedEventAttributes.ScheduledEventId); break;
                case EventType.ActivityTaskFailed: activities.Remove(e.ActivityTaskFailedEventAttributes.ScheduledEventId); break;
                case EventType.ActivityTaskTimedOut: activities.Remove(e.ActivityTaskTimedOutEventAttributes.ScheduledEventId); break;
                case EventType.ActivityTaskCanceled: activities.Remove(e.ActivityTaskCanceledEventAttributes.ScheduledEventId); break;
                case EventType.TimerStarted: timers[e.TimerStartedEventAttributes.TimerId] = e; break;
                case EventType.TimerFired: timers.Remove(e.TimerFiredEventAttributes.TimerId); break;
                case EventType.TimerCanceled: timers.Remove(e.TimerCanceledEventAttributes.TimerId); break;
                case EventType.WorkflowExecutionCancelRequested: run.CancelRequested = true; break;
                case EventType.WorkflowTaskScheduled:
                    run.TaskScheduledId = e.EventId;
                    run.TaskAttempt = e.WorkflowTaskScheduledEventAttributes.Attempt;
                    run.TaskScheduledTime = e.EventTime.ToDateTime();
                    break;
                case EventType.WorkflowTaskStarted: run.TaskStartedId = e.EventId; break;
                case EventType.WorkflowTaskCompleted:
                    run.LastCompletedStartedId = e.WorkflowTaskCompletedEventAttributes.StartedEventId;
                    run.TaskScheduledId = run.TaskStartedId = 0;
                    run.TaskAttempt = 1;
                    break;
                case EventType.WorkflowTaskFailed or EventType.WorkflowTaskTimedOut:
                    run.TaskScheduledId = run.TaskStartedId = 0;
                    break;
            }
        }

        foreach (HistoryEvent e in activities.Values)
        {
            var activity = new ActivityState(e.EventId, e.ActivityTaskScheduledEventAttributes, e.EventTime.ToDateTime());
            if (run.History.Any(c => c.ActivityTaskCancelRequestedEventAttributes?.ScheduledEventId == e.EventId))
            {
                activity.CancelRequestedEventId = run.History.Last(c => c.ActivityTaskCancelRequestedEventAttributes?.ScheduledEventId == e.EventId).EventId;
            }

            ArmActivity(run, activity);
        }

        foreach (HistoryEvent e in children.Values)
        {
            LaunchChild(run, e.EventId, e.StartChildWorkflowExecutionInitiatedEventAttributes);
        }

        foreach (HistoryEvent e in timers.Values)
        {
            TimerStartedEventAttributes t = e.TimerStartedEventAttributes;
            ArmTimer(run, new TimerState(t.TimerId, e.EventId, e.EventTime.ToDateTime() + t.StartToFireTimeout.ToTimeSpan()));
        }

        if (run.TaskStartedId != 0)
        {
            TimeOutWorkflowTask(run, run.TaskStartedId);
        }
        else if (run.TaskScheduledId != 0)
        {
            OfferWorkflowWork(run);
        }

        ArmRunTimeout(run);
    }

    /// <summary>The initiated event id a child outcome event refers to, or null for any other event.</summary>
    private static long? ChildInitiatedId(HistoryEvent e) => e.AttributesCase switch
    {
        HistoryEvent.AttributesOneofCase.StartChildWorkflowExecutionFailedEventAttributes => e.StartChildWorkflowExecutionFailedEventAttributes.InitiatedEventId,
        HistoryEvent.AttributesOneofCase.ChildWorkflowExecutionCompletedEventAttributes => e.ChildWorkflowExecutionCompletedEventAttributes.InitiatedEventId,
        HistoryEvent.AttributesOneofCase.ChildWorkflowExecutionFailedEventAttributes => e.ChildWorkflowExecutionFailedEventAttributes.InitiatedEventId,
        HistoryEvent.AttributesOneofCase.ChildWorkflowExecutionCanceledEventAttributes => e.ChildWorkflowExecutionCanceledEventAttributes.InitiatedEventId,
        HistoryEvent.AttributesOneofCase.ChildWorkflowExecutionTimedOutEventAttributes => e.ChildWorkflowExecutionTimedOutEventAttributes.InitiatedEventId,
        HistoryEvent.AttributesOneofCase.ChildWorkflowExecutionTerminatedEventAttributes => e.ChildWorkflowExecutionTerminatedEventAttributes.InitiatedEventId,
        _ => null,
    };
}
