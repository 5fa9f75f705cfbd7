using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

/// <summary>
/// Child workflows and external signals/cancels. Their outcomes reach the initiating run as outside events, written
/// after the whole completion so they never interleave with the events of the remaining commands.
/// </summary>
internal sealed partial class WorkflowEngine
{
    private readonly List<Action> _afterCommands = [];

    private void RunAfterCommands()
    {
        List<Action> pending = [.. _afterCommands];
        _afterCommands.Clear();
        pending.ForEach(a => a());
    }

    private void StartChild(WorkflowRun run, StartChildWorkflowExecutionCommandAttributes c, long completedId)
    {
        var initiated = new StartChildWorkflowExecutionInitiatedEventAttributes
        {
            Namespace = run.Namespace,
            WorkflowId = c.WorkflowId,
            WorkflowType = c.WorkflowType,
            TaskQueue = string.IsNullOrEmpty(c.TaskQueue?.Name) ? run.Start.TaskQueue : c.TaskQueue,
            Input = c.Input,
            WorkflowExecutionTimeout = c.WorkflowExecutionTimeout,
            WorkflowRunTimeout = c.WorkflowRunTimeout,
            WorkflowTaskTimeout = c.WorkflowTaskTimeout,
            ParentClosePolicy = c.ParentClosePolicy,
            WorkflowTaskCompletedEventId = completedId,
            WorkflowIdReusePolicy = c.WorkflowIdReusePolicy,
            RetryPolicy = c.RetryPolicy,
            Header = c.Header,
            Memo = c.Memo,
            SearchAttributes = c.SearchAttributes,
        };
        HistoryEvent e = Append(run, new HistoryEvent
        {
            EventType = EventType.StartChildWorkflowExecutionInitiated,
            StartChildWorkflowExecutionInitiatedEventAttributes = initiated,
        });
        _afterCommands.Add(() => LaunchChild(run, e.EventId, initiated));
    }

    private void LaunchChild(WorkflowRun parent, long initiatedId, StartChildWorkflowExecutionInitiatedEventAttributes a)
    {
        if (!parent.IsOpen)
        {
            return;
        }

        bool exists = _current.TryGetValue((a.Namespace, a.WorkflowId), out WorkflowRun? existing)
            && (existing.IsOpen || a.WorkflowIdReusePolicy == WorkflowIdReusePolicy.RejectDuplicate);
        if (exists)
        {
            AddOutsideEvent(parent, () => Append(parent, new HistoryEvent
            {
                EventType = EventType.StartChildWorkflowExecutionFailed,
                StartChildWorkflowExecutionFailedEventAttributes = new StartChildWorkflowExecutionFailedEventAttributes
                {
                    Namespace = a.Namespace,
                    WorkflowId = a.WorkflowId,
                    WorkflowType = a.WorkflowType,
                    Cause = StartChildWorkflowExecutionFailedCause.WorkflowAlreadyExists,
                    InitiatedEventId = initiatedId,
                    WorkflowTaskCompletedEventId = a.WorkflowTaskCompletedEventId,
                },
            }));
            return;
        }

        var start = new StartWorkflowExecutionRequest
        {
            Namespace = a.Namespace,
            WorkflowId = a.WorkflowId,
            WorkflowType = a.WorkflowType,
            TaskQueue = a.TaskQueue,
            Input = a.Input,
            WorkflowExecutionTimeout = a.WorkflowExecutionTimeout,
            WorkflowRunTimeout = a.WorkflowRunTimeout,
            WorkflowTaskTimeout = a.WorkflowTaskTimeout,
            RequestId = Guid.NewGuid().ToString(),
            RetryPolicy = a.RetryPolicy,
            Header = a.Header,
            Memo = a.Memo,
            SearchAttributes = a.SearchAttributes,
            Identity = $"parent {parent.WorkflowId}",
        };
        WorkflowRun child = StartRun(a.Namespace, start, Guid.NewGuid().ToString(), null, parent: new ParentRef(parent.RunId, initiatedId));
        AddOutsideEvent(parent, () =>
        {
            HistoryEvent started = Append(parent, new HistoryEvent
            {
                EventType = EventType.ChildWorkflowExecutionStarted,
                ChildWorkflowExecutionStartedEventAttributes = new ChildWorkflowExecutionStartedEventAttributes
                {
                    Namespace = a.Namespace,
                    InitiatedEventId = initiatedId,
                    WorkflowExecution = child.Execution,
                    WorkflowType = a.WorkflowType,
                    Header = a.Header,
                },
            });
            parent.Children[initiatedId] = new ChildRef(child.RunId, started.EventId, a.ParentClosePolicy);
        });
    }

    /// <summary>Reports a closed child to its parent; a child that continued as new reports when its chain ends.</summary>
    private void NotifyParent(WorkflowRun child)
    {
        if (child.Parent is not { } link || child.Status == WorkflowExecutionStatus.ContinuedAsNew
            || !_runs.TryGetValue(link.RunId, out WorkflowRun? parent) || !parent.IsOpen)
        {
            return;
        }

        HistoryEvent close = child.History[^1];
        AddOutsideEvent(parent, () =>
        {
            if (!parent.Children.Remove(link.InitiatedId, out ChildRef? entry))
            {
                return;
            }

            WorkflowExecution execution = child.Execution;
            WorkflowType type = child.Start.WorkflowType;
            long initiated = link.InitiatedId;
            long started = entry.StartedEventId;
            Append(parent, child.Status switch
            {
                WorkflowExecutionStatus.Completed => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionCompleted,
                    ChildWorkflowExecutionCompletedEventAttributes = new()
                    {
                        Result = close.WorkflowExecutionCompletedEventAttributes.Result, Namespace = child.Namespace,
                        WorkflowExecution = execution, WorkflowType = type, InitiatedEventId = initiated, StartedEventId = started,
                    },
                },
                WorkflowExecutionStatus.Failed => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionFailed,
                    ChildWorkflowExecutionFailedEventAttributes = new()
                    {
                        Failure = close.WorkflowExecutionFailedEventAttributes.Failure, Namespace = child.Namespace,
                        WorkflowExecution = execution, WorkflowType = type, InitiatedEventId = initiated, StartedEventId = started,
                        RetryState = RetryState.RetryPolicyNotSet,
                    },
                },
                WorkflowExecutionStatus.Canceled => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionCanceled,
                    ChildWorkflowExecutionCanceledEventAttributes = new()
                    {
                        Details = close.WorkflowExecutionCanceledEventAttributes.Details, Namespace = child.Namespace,
                        WorkflowExecution = execution, WorkflowType = type, InitiatedEventId = initiated, StartedEventId = started,
                    },
                },
                WorkflowExecutionStatus.TimedOut => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionTimedOut,
                    ChildWorkflowExecutionTimedOutEventAttributes = new()
                    {
                        Namespace = child.Namespace, WorkflowExecution = execution, WorkflowType = type,
                        InitiatedEventId = initiated, StartedEventId = started, RetryState = RetryState.Timeout,
                    },
                },
                _ => new HistoryEvent
                {
                    EventType = EventType.ChildWorkflowExecutionTerminated,
                    ChildWorkflowExecutionTerminatedEventAttributes = new()
                    {
                        Namespace = child.Namespace, WorkflowExecution = execution, WorkflowType = type,
                        InitiatedEventId = initiated, StartedEventId = started,
                    },
                },
            });
        });
    }

    private void ApplyParentClosePolicy(WorkflowRun parent)
    {
        foreach (ChildRef child in parent.Children.Values.ToList())
        {
            if (!_runs.TryGetValue(child.RunId, out WorkflowRun? run) || !run.IsOpen)
            {
                continue;
            }

            switch (child.ClosePolicy)
            {
                case ParentClosePolicy.Abandon:
                    break;
                case ParentClosePolicy.RequestCancel:
                    RequestCancel(run, $"parent {parent.WorkflowId} closed", "");
                    break;
                default:
                    Terminate(run, $"parent {parent.WorkflowId} closed", "");
                    break;
            }
        }

        parent.Children.Clear();
    }
}
