using Google.Protobuf.WellKnownTypes;
using OrderPlatform.TemporalDev.Grpc;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    public StartWorkflowExecutionResponse StartWorkflow(StartWorkflowExecutionRequest request) => Locked(() =>
    {
        (WorkflowRun run, bool started) = StartOrReuse(request);
        return new StartWorkflowExecutionResponse { RunId = run.RunId, Started = started };
    });

    public SignalWithStartWorkflowExecutionResponse SignalWithStart(SignalWithStartWorkflowExecutionRequest request) => Locked(() =>
    {
        if (_current.TryGetValue((request.Namespace, request.WorkflowId), out WorkflowRun? open) && open.IsOpen)
        {
            Signal(open, request.SignalName, request.SignalInput, request.Header, request.Identity);
            return new SignalWithStartWorkflowExecutionResponse { RunId = open.RunId, Started = false };
        }

        var start = new StartWorkflowExecutionRequest
        {
            Namespace = request.Namespace,
            WorkflowId = request.WorkflowId,
            WorkflowType = request.WorkflowType,
            TaskQueue = request.TaskQueue,
            Input = request.Input,
            WorkflowExecutionTimeout = request.WorkflowExecutionTimeout,
            WorkflowRunTimeout = request.WorkflowRunTimeout,
            WorkflowTaskTimeout = request.WorkflowTaskTimeout,
            Identity = request.Identity,
            RequestId = request.RequestId,
            WorkflowIdReusePolicy = request.WorkflowIdReusePolicy,
            RetryPolicy = request.RetryPolicy,
            Memo = request.Memo,
            SearchAttributes = request.SearchAttributes,
            Header = request.Header,
        };
        // The signal must precede the first workflow task, so it is written before that task is scheduled.
        (WorkflowRun run, _) = StartOrReuse(start, r => Signal(r, request.SignalName, request.SignalInput, request.Header, request.Identity));
        return new SignalWithStartWorkflowExecutionResponse { RunId = run.RunId, Started = true };
    });

    private (WorkflowRun Run, bool Started) StartOrReuse(StartWorkflowExecutionRequest request, Action<WorkflowRun>? beforeFirstTask = null)
    {
        if (_current.TryGetValue((request.Namespace, request.WorkflowId), out WorkflowRun? existing))
        {
            if (existing.IsOpen)
            {
                if (existing.RequestIds.Contains(request.RequestId))
                {
                    return (existing, true);
                }

                switch (request.WorkflowIdConflictPolicy)
                {
                    case WorkflowIdConflictPolicy.UseExisting:
                        return (existing, false);
                    case WorkflowIdConflictPolicy.TerminateExisting:
                        Terminate(existing, "terminated by a start with TERMINATE_EXISTING", request.Identity);
                        break;
                    default:
                        throw AlreadyStarted(existing, request.WorkflowId);
                }
            }
            else if (request.WorkflowIdReusePolicy == WorkflowIdReusePolicy.RejectDuplicate
                || (request.WorkflowIdReusePolicy == WorkflowIdReusePolicy.AllowDuplicateFailedOnly
                    && existing.Status == WorkflowExecutionStatus.Completed))
            {
                throw AlreadyStarted(existing, request.WorkflowId);
            }
        }

        return (StartRun(request.Namespace, request.Clone(), Guid.NewGuid().ToString(), null, beforeFirstTask), true);
    }

    private static global::Grpc.Core.RpcException AlreadyStarted(WorkflowRun existing, string workflowId) =>
        RpcErrors.AlreadyStarted($"workflow execution already started: {workflowId}", existing.Start.RequestId, existing.RunId);

    private WorkflowRun StartRun(string ns, StartWorkflowExecutionRequest start, string runId, string? continuedFrom,
        Action<WorkflowRun>? beforeFirstTask = null, ParentRef? parent = null)
    {
        start.TaskQueue = new TaskQueue { Name = start.TaskQueue.Name, Kind = TaskQueueKind.Normal };
        var run = new WorkflowRun(ns, start.WorkflowId, runId, start) { Parent = parent };
        run.RequestIds.Add(start.RequestId);
        WorkflowRun? parentRun = parent is null ? null : _runs.GetValueOrDefault(parent.RunId);
        run.SearchAttributes = start.SearchAttributes?.Clone() ?? new();
        run.Memo = start.Memo?.Clone() ?? new();
        _runs[runId] = run;
        _current[(ns, start.WorkflowId)] = run;
        Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowExecutionStarted,
            WorkflowExecutionStartedEventAttributes = new WorkflowExecutionStartedEventAttributes
            {
                WorkflowType = start.WorkflowType,
                TaskQueue = start.TaskQueue,
                Input = start.Input,
                WorkflowExecutionTimeout = start.WorkflowExecutionTimeout,
                WorkflowRunTimeout = start.WorkflowRunTimeout,
                WorkflowTaskTimeout = run.TaskTimeout,
                ContinuedExecutionRunId = continuedFrom ?? "",
                Initiator = continuedFrom is null ? ContinueAsNewInitiator.Unspecified : ContinueAsNewInitiator.Workflow,
                OriginalExecutionRunId = runId,
                FirstExecutionRunId = runId,
                Identity = start.Identity,
                RetryPolicy = start.RetryPolicy,
                Attempt = 1,
                Memo = start.Memo,
                SearchAttributes = start.SearchAttributes,
                Header = start.Header,
                WorkflowId = start.WorkflowId,
                ParentWorkflowNamespace = parentRun?.Namespace ?? "",
                ParentWorkflowExecution = parentRun?.Execution,
                ParentInitiatedEventId = parent?.InitiatedId ?? 0,
            },
        });
        beforeFirstTask?.Invoke(run);
        ScheduleWorkflowTask(run);
        ArmRunTimeout(run);
        return run;
    }

    private void ArmRunTimeout(WorkflowRun run)
    {
        TimeSpan? timeout = (Positive(run.Start.WorkflowRunTimeout) ?? Positive(run.Start.WorkflowExecutionTimeout))?.ToTimeSpan();
        if (timeout is null)
        {
            return;
        }

        At(run.StartTime + timeout.Value, () =>
        {
            if (!run.IsOpen)
            {
                return;
            }

            Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionTimedOut,
                WorkflowExecutionTimedOutEventAttributes = new WorkflowExecutionTimedOutEventAttributes { RetryState = RetryState.Timeout },
            });
            Close(run, WorkflowExecutionStatus.TimedOut);
        });
    }

    public SignalWorkflowExecutionResponse SignalWorkflow(SignalWorkflowExecutionRequest request) => Locked(() =>
    {
        WorkflowRun run = OpenRunOrThrow(request.Namespace, request.WorkflowExecution.WorkflowId, request.WorkflowExecution.RunId);
        Signal(run, request.SignalName, request.Input, request.Header, request.Identity);
        return new SignalWorkflowExecutionResponse();
    });

    private void Signal(WorkflowRun run, string name, Payloads? input, Header? header, string identity, WorkflowExecution? external = null) =>
        AddOutsideEvent(run, () => Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowExecutionSignaled,
            WorkflowExecutionSignaledEventAttributes = new WorkflowExecutionSignaledEventAttributes
            {
                SignalName = name,
                Input = input,
                Header = header,
                Identity = identity,
                ExternalWorkflowExecution = external,
            },
        }));

    public RequestCancelWorkflowExecutionResponse RequestCancel(RequestCancelWorkflowExecutionRequest request) => Locked(() =>
    {
        WorkflowRun run = OpenRunOrThrow(request.Namespace, request.WorkflowExecution.WorkflowId, request.WorkflowExecution.RunId);
        RequestCancel(run, request.Reason, request.Identity);
        return new RequestCancelWorkflowExecutionResponse();
    });

    private void RequestCancel(WorkflowRun run, string reason, string identity, WorkflowExecution? external = null, long externalInitiatedId = 0)
    {
        if (run.CancelRequested)
        {
            return;
        }

        run.CancelRequested = true;
        AddOutsideEvent(run, () => Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowExecutionCancelRequested,
            WorkflowExecutionCancelRequestedEventAttributes = new WorkflowExecutionCancelRequestedEventAttributes
            {
                Cause = reason,
                Identity = identity,
                ExternalWorkflowExecution = external,
                ExternalInitiatedEventId = externalInitiatedId,
            },
        }));
    }

    public TerminateWorkflowExecutionResponse TerminateWorkflow(TerminateWorkflowExecutionRequest request) => Locked(() =>
    {
        WorkflowRun run = OpenRunOrThrow(request.Namespace, request.WorkflowExecution.WorkflowId, request.WorkflowExecution.RunId);
        Terminate(run, request.Reason, request.Identity, request.Details);
        return new TerminateWorkflowExecutionResponse();
    });

    private void Terminate(WorkflowRun run, string reason, string identity, Payloads? details = null)
    {
        run.Buffer.Clear();
        if (run.TaskStartedId != 0)
        {
            Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowTaskFailed,
                WorkflowTaskFailedEventAttributes = new WorkflowTaskFailedEventAttributes
                {
                    ScheduledEventId = run.TaskScheduledId,
                    StartedEventId = run.TaskStartedId,
                    Cause = WorkflowTaskFailedCause.ForceCloseCommand,
                    Identity = identity,
                },
            });
        }

        Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowExecutionTerminated,
            EventTime = Timestamp.FromDateTime(DateTime.UtcNow),
            WorkflowExecutionTerminatedEventAttributes = new WorkflowExecutionTerminatedEventAttributes
            {
                Reason = reason,
                Details = details,
                Identity = identity,
            },
        });
        Close(run, WorkflowExecutionStatus.Terminated);
    }
}
