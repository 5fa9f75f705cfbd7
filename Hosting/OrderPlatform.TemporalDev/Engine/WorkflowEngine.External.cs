using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    private void SignalExternal(WorkflowRun run, SignalExternalWorkflowExecutionCommandAttributes c, long completedId)
    {
        string ns = run.Namespace;
        HistoryEvent initiated = Append(run, new HistoryEvent
        {
            EventType = EventType.SignalExternalWorkflowExecutionInitiated,
            SignalExternalWorkflowExecutionInitiatedEventAttributes = new SignalExternalWorkflowExecutionInitiatedEventAttributes
            {
                WorkflowTaskCompletedEventId = completedId,
                Namespace = ns,
                WorkflowExecution = c.Execution,
                SignalName = c.SignalName,
                Input = c.Input,
                ChildWorkflowOnly = c.ChildWorkflowOnly,
                Header = c.Header,
            },
        });
        _afterCommands.Add(() =>
        {
            WorkflowRun? target = OpenTarget(ns, c.Execution);
            if (target is not null)
            {
                Signal(target, c.SignalName, c.Input, c.Header, $"workflow {run.WorkflowId}", run.Execution);
            }

            AddOutsideEvent(run, () => Append(run, target is not null
                ? new HistoryEvent
                {
                    EventType = EventType.ExternalWorkflowExecutionSignaled,
                    ExternalWorkflowExecutionSignaledEventAttributes = new ExternalWorkflowExecutionSignaledEventAttributes
                    {
                        InitiatedEventId = initiated.EventId, Namespace = ns, WorkflowExecution = c.Execution,
                    },
                }
                : new HistoryEvent
                {
                    EventType = EventType.SignalExternalWorkflowExecutionFailed,
                    SignalExternalWorkflowExecutionFailedEventAttributes = new SignalExternalWorkflowExecutionFailedEventAttributes
                    {
                        Cause = SignalExternalWorkflowExecutionFailedCause.ExternalWorkflowExecutionNotFound,
                        WorkflowTaskCompletedEventId = completedId, Namespace = ns, WorkflowExecution = c.Execution,
                        InitiatedEventId = initiated.EventId,
                    },
                }));
        });
    }

    private void CancelExternal(WorkflowRun run, RequestCancelExternalWorkflowExecutionCommandAttributes c, long completedId)
    {
        string ns = run.Namespace;
        var execution = new WorkflowExecution { WorkflowId = c.WorkflowId, RunId = c.RunId };
        HistoryEvent initiated = Append(run, new HistoryEvent
        {
            EventType = EventType.RequestCancelExternalWorkflowExecutionInitiated,
            RequestCancelExternalWorkflowExecutionInitiatedEventAttributes = new RequestCancelExternalWorkflowExecutionInitiatedEventAttributes
            {
                WorkflowTaskCompletedEventId = completedId,
                Namespace = ns,
                WorkflowExecution = execution,
                ChildWorkflowOnly = c.ChildWorkflowOnly,
                Reason = c.Reason,
            },
        });
        _afterCommands.Add(() =>
        {
            WorkflowRun? target = OpenTarget(ns, execution);
            if (target is not null)
            {
                RequestCancel(target, c.Reason, $"workflow {run.WorkflowId}", run.Execution, initiated.EventId);
            }

            AddOutsideEvent(run, () => Append(run, target is not null
                ? new HistoryEvent
                {
                    EventType = EventType.ExternalWorkflowExecutionCancelRequested,
                    ExternalWorkflowExecutionCancelRequestedEventAttributes = new ExternalWorkflowExecutionCancelRequestedEventAttributes
                    {
                        InitiatedEventId = initiated.EventId, Namespace = ns, WorkflowExecution = execution,
                    },
                }
                : new HistoryEvent
                {
                    EventType = EventType.RequestCancelExternalWorkflowExecutionFailed,
                    RequestCancelExternalWorkflowExecutionFailedEventAttributes = new RequestCancelExternalWorkflowExecutionFailedEventAttributes
                    {
                        Cause = CancelExternalWorkflowExecutionFailedCause.ExternalWorkflowExecutionNotFound,
                        WorkflowTaskCompletedEventId = completedId, Namespace = ns, WorkflowExecution = execution,
                        InitiatedEventId = initiated.EventId,
                    },
                }));
        });
    }

    private WorkflowRun? OpenTarget(string ns, WorkflowExecution execution)
    {
        WorkflowRun? run = string.IsNullOrEmpty(execution.RunId)
            ? _current.GetValueOrDefault((ns, execution.WorkflowId))
            : _runs.GetValueOrDefault(execution.RunId);
        return run is { IsOpen: true } && run.WorkflowId == execution.WorkflowId ? run : null;
    }
}
