using Google.Protobuf.WellKnownTypes;
using OrderPlatform.TemporalDev.Grpc;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.TaskQueue.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    private static void RejectUnsupported(Command command)
    {
        switch (command.CommandType)
        {
            case CommandType.ScheduleActivityTask:
            case CommandType.RequestCancelActivityTask:
            case CommandType.StartTimer:
            case CommandType.CancelTimer:
            case CommandType.RecordMarker:
            case CommandType.UpsertWorkflowSearchAttributes:
            case CommandType.ModifyWorkflowProperties:
            case CommandType.CompleteWorkflowExecution:
            case CommandType.FailWorkflowExecution:
            case CommandType.CancelWorkflowExecution:
            case CommandType.ContinueAsNewWorkflowExecution:
            case CommandType.StartChildWorkflowExecution:
            case CommandType.SignalExternalWorkflowExecution:
            case CommandType.RequestCancelExternalWorkflowExecution:
            case CommandType.ProtocolMessage:
                return;
            default:
                throw RpcErrors.InvalidArgument(
                    $"OrderPlatform.TemporalDev does not support the {command.CommandType} command (Nexus is out of scope)");
        }
    }

    /// <summary>Writes a command's events; returns true when the workflow must see a new task for it.</summary>
    private bool ApplyCommand(WorkflowRun run, Command command, long completedId)
    {
        switch (command.CommandType)
        {
            case CommandType.ScheduleActivityTask:
                ScheduleActivity(run, command.ScheduleActivityTaskCommandAttributes, completedId);
                return false;
            case CommandType.RequestCancelActivityTask:
                return RequestCancelActivity(run, command.RequestCancelActivityTaskCommandAttributes.ScheduledEventId, completedId);
            case CommandType.StartTimer:
                StartTimer(run, command.StartTimerCommandAttributes, completedId);
                return false;
            case CommandType.CancelTimer:
                CancelTimer(run, command.CancelTimerCommandAttributes.TimerId, completedId);
                return false;
            case CommandType.RecordMarker:
                RecordMarkerCommandAttributes marker = command.RecordMarkerCommandAttributes;
                var markerEvent = new MarkerRecordedEventAttributes
                {
                    MarkerName = marker.MarkerName,
                    Header = marker.Header,
                    Failure = marker.Failure,
                    WorkflowTaskCompletedEventId = completedId,
                };
                markerEvent.Details.Add(marker.Details);
                Append(run, new HistoryEvent { EventType = EventType.MarkerRecorded, MarkerRecordedEventAttributes = markerEvent });
                return false;
            case CommandType.UpsertWorkflowSearchAttributes:
                SearchAttributes upserted = command.UpsertWorkflowSearchAttributesCommandAttributes.SearchAttributes;
                run.SearchAttributes.IndexedFields.Add(upserted.IndexedFields);
                Append(run, new HistoryEvent
                {
                    EventType = EventType.UpsertWorkflowSearchAttributes,
                    UpsertWorkflowSearchAttributesEventAttributes = new UpsertWorkflowSearchAttributesEventAttributes
                    {
                        SearchAttributes = upserted,
                        WorkflowTaskCompletedEventId = completedId,
                    },
                });
                return false;
            case CommandType.ModifyWorkflowProperties:
                Memo memo = command.ModifyWorkflowPropertiesCommandAttributes.UpsertedMemo;
                run.Memo.Fields.Add(memo.Fields);
                Append(run, new HistoryEvent
                {
                    EventType = EventType.WorkflowPropertiesModified,
                    WorkflowPropertiesModifiedEventAttributes = new WorkflowPropertiesModifiedEventAttributes
                    {
                        UpsertedMemo = memo,
                        WorkflowTaskCompletedEventId = completedId,
                    },
                });
                return false;
            case CommandType.CompleteWorkflowExecution:
                Append(run, new HistoryEvent
                {
                    EventType = EventType.WorkflowExecutionCompleted,
                    WorkflowExecutionCompletedEventAttributes = new WorkflowExecutionCompletedEventAttributes
                    {
                        Result = command.CompleteWorkflowExecutionCommandAttributes.Result,
                        WorkflowTaskCompletedEventId = completedId,
                    },
                });
                Close(run, WorkflowExecutionStatus.Completed);
                return false;
            case CommandType.FailWorkflowExecution:
                Append(run, new HistoryEvent
                {
                    EventType = EventType.WorkflowExecutionFailed,
                    WorkflowExecutionFailedEventAttributes = new WorkflowExecutionFailedEventAttributes
                    {
                        Failure = command.FailWorkflowExecutionCommandAttributes.Failure,
                        RetryState = RetryState.RetryPolicyNotSet,
                        WorkflowTaskCompletedEventId = completedId,
                    },
                });
                Close(run, WorkflowExecutionStatus.Failed);
                return false;
            case CommandType.CancelWorkflowExecution:
                Append(run, new HistoryEvent
                {
                    EventType = EventType.WorkflowExecutionCanceled,
                    WorkflowExecutionCanceledEventAttributes = new WorkflowExecutionCanceledEventAttributes
                    {
                        Details = command.CancelWorkflowExecutionCommandAttributes.Details,
                        WorkflowTaskCompletedEventId = completedId,
                    },
                });
                Close(run, WorkflowExecutionStatus.Canceled);
                return false;
            case CommandType.ContinueAsNewWorkflowExecution:
                ContinueAsNew(run, command.ContinueAsNewWorkflowExecutionCommandAttributes, completedId);
                return false;
            case CommandType.StartChildWorkflowExecution:
                StartChild(run, command.StartChildWorkflowExecutionCommandAttributes, completedId);
                return false;
            case CommandType.SignalExternalWorkflowExecution:
                SignalExternal(run, command.SignalExternalWorkflowExecutionCommandAttributes, completedId);
                return false;
            case CommandType.RequestCancelExternalWorkflowExecution:
                CancelExternal(run, command.RequestCancelExternalWorkflowExecutionCommandAttributes, completedId);
                return false;
            case CommandType.ProtocolMessage:
                ApplyProtocolMessage(run, command.ProtocolMessageCommandAttributes.MessageId);
                return false;
            default:
                throw RpcErrors.InvalidArgument($"unsupported command {command.CommandType}");
        }
    }

    private void StartTimer(WorkflowRun run, StartTimerCommandAttributes attributes, long completedId)
    {
        HistoryEvent started = Append(run, new HistoryEvent
        {
            EventType = EventType.TimerStarted,
            TimerStartedEventAttributes = new TimerStartedEventAttributes
            {
                TimerId = attributes.TimerId,
                StartToFireTimeout = attributes.StartToFireTimeout,
                WorkflowTaskCompletedEventId = completedId,
            },
        });
        ArmTimer(run, new TimerState(attributes.TimerId, started.EventId, DateTime.UtcNow + attributes.StartToFireTimeout.ToTimeSpan()));
    }

    private void ArmTimer(WorkflowRun run, TimerState timer)
    {
        run.Timers[timer.TimerId] = timer;
        At(timer.FireAt, () =>
        {
            if (!run.Timers.TryGetValue(timer.TimerId, out TimerState? current) || current != timer)
            {
                return;
            }

            run.Timers.Remove(timer.TimerId);
            AddOutsideEvent(run, () => Append(run, new HistoryEvent
            {
                EventType = EventType.TimerFired,
                TimerFiredEventAttributes = new TimerFiredEventAttributes
                {
                    TimerId = timer.TimerId,
                    StartedEventId = timer.StartedEventId,
                },
            }));
        });
    }

    private void CancelTimer(WorkflowRun run, string timerId, long completedId)
    {
        if (!run.Timers.Remove(timerId, out TimerState? timer))
        {
            return;
        }

        Append(run, new HistoryEvent
        {
            EventType = EventType.TimerCanceled,
            TimerCanceledEventAttributes = new TimerCanceledEventAttributes
            {
                TimerId = timerId,
                StartedEventId = timer.StartedEventId,
                WorkflowTaskCompletedEventId = completedId,
            },
        });
    }

    private void ContinueAsNew(WorkflowRun run, ContinueAsNewWorkflowExecutionCommandAttributes attributes, long completedId)
    {
        string newRunId = Guid.NewGuid().ToString();
        Temporalio.Api.WorkflowService.V1.StartWorkflowExecutionRequest next = run.Start.Clone();
        next.RequestId = Guid.NewGuid().ToString();
        next.WorkflowType = attributes.WorkflowType ?? next.WorkflowType;
        if (!string.IsNullOrEmpty(attributes.TaskQueue?.Name))
        {
            next.TaskQueue = new TaskQueue { Name = attributes.TaskQueue.Name, Kind = TaskQueueKind.Normal };
        }

        next.Input = attributes.Input;
        next.WorkflowRunTimeout = attributes.WorkflowRunTimeout ?? next.WorkflowRunTimeout;
        next.WorkflowTaskTimeout = attributes.WorkflowTaskTimeout ?? next.WorkflowTaskTimeout;
        next.Header = attributes.Header ?? next.Header;
        next.Memo = attributes.Memo ?? next.Memo;
        next.SearchAttributes = attributes.SearchAttributes ?? next.SearchAttributes;
        next.RetryPolicy = attributes.RetryPolicy ?? next.RetryPolicy;

        Append(run, new HistoryEvent
        {
            EventType = EventType.WorkflowExecutionContinuedAsNew,
            WorkflowExecutionContinuedAsNewEventAttributes = new WorkflowExecutionContinuedAsNewEventAttributes
            {
                NewExecutionRunId = newRunId,
                WorkflowType = next.WorkflowType,
                TaskQueue = next.TaskQueue,
                Input = next.Input,
                WorkflowRunTimeout = next.WorkflowRunTimeout,
                WorkflowTaskTimeout = next.WorkflowTaskTimeout,
                WorkflowTaskCompletedEventId = completedId,
                BackoffStartInterval = attributes.BackoffStartInterval,
                Initiator = attributes.Initiator,
                Header = next.Header,
                Memo = next.Memo,
                SearchAttributes = next.SearchAttributes,
            },
        });
        Close(run, WorkflowExecutionStatus.ContinuedAsNew);
        WorkflowRun successor = StartRun(run.Namespace, next, newRunId, continuedFrom: run.RunId, parent: run.Parent);
        if (run.Parent is { } parent && _runs.TryGetValue(parent.RunId, out WorkflowRun? parentRun)
            && parentRun.Children.TryGetValue(parent.InitiatedId, out ChildRef? child))
        {
            parentRun.Children[parent.InitiatedId] = child with { RunId = successor.RunId };
        }
    }

    private static Duration? Positive(Duration? d) => d is not null && d.ToTimeSpan() > TimeSpan.Zero ? d : null;
}
