using Google.Protobuf.WellKnownTypes;
using OrderPlatform.TemporalDev.Grpc;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Protocol.V1;
using Temporalio.Api.Update.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

/// <summary>
/// Workflow updates: requests ride on the next workflow task as protocol messages; the worker's acceptance and
/// response come back as messages whose ProtocolMessage commands say where their events go in history.
/// </summary>
internal sealed partial class WorkflowEngine
{
    // Messages of the completion being applied, by id; set only while CompleteWorkflowTask holds the lock.
    private Dictionary<string, Message> _messages = [];

    public async Task<UpdateWorkflowExecutionResponse> UpdateAsync(UpdateWorkflowExecutionRequest request, CancellationToken cancel)
    {
        UpdateState update = Locked(() =>
        {
            WorkflowRun run = OpenRunOrThrow(request.Namespace, request.WorkflowExecution.WorkflowId, request.WorkflowExecution.RunId);
            string id = request.Request.Meta.UpdateId;
            if (!run.Updates.TryGetValue(id, out UpdateState? existing))
            {
                existing = new UpdateState(run, request.Request);
                run.Updates[id] = existing;
                ScheduleWorkflowTask(run);
            }

            return existing;
        });
        (Outcome? outcome, UpdateWorkflowExecutionLifecycleStage stage) = await WaitForStageAsync(update, request.WaitPolicy, cancel).ConfigureAwait(false);
        return new UpdateWorkflowExecutionResponse { UpdateRef = update.Ref, Outcome = outcome, Stage = stage };
    }

    public async Task<PollWorkflowExecutionUpdateResponse> PollUpdateAsync(PollWorkflowExecutionUpdateRequest request, CancellationToken cancel)
    {
        UpdateState update = Locked(() =>
        {
            WorkflowRun run = RunOrThrow(request.Namespace, request.UpdateRef.WorkflowExecution.WorkflowId, request.UpdateRef.WorkflowExecution.RunId);
            return run.Updates.GetValueOrDefault(request.UpdateRef.UpdateId)
                ?? throw RpcErrors.NotFound($"update {request.UpdateRef.UpdateId} not found");
        });
        (Outcome? outcome, UpdateWorkflowExecutionLifecycleStage stage) = await WaitForStageAsync(update, request.WaitPolicy, cancel).ConfigureAwait(false);
        return new PollWorkflowExecutionUpdateResponse { UpdateRef = update.Ref, Outcome = outcome, Stage = stage };
    }

    private async Task<(Outcome?, UpdateWorkflowExecutionLifecycleStage)> WaitForStageAsync(UpdateState update, WaitPolicy? policy, CancellationToken cancel)
    {
        UpdateWorkflowExecutionLifecycleStage wanted = policy?.LifecycleStage is { } s && s != UpdateWorkflowExecutionLifecycleStage.Unspecified
            ? s
            : UpdateWorkflowExecutionLifecycleStage.Completed;
        await LongPollAsync(() => update.Stage >= wanted || update.Abandoned
            ? (update, null)
            : ((UpdateState?)null, update.Run.Changed.WaitTask), PollHold, cancel).ConfigureAwait(false);
        return Locked(() => update.Abandoned && update.Stage < UpdateWorkflowExecutionLifecycleStage.Completed
            ? throw RpcErrors.NotFound("workflow execution already completed")
            : (update.Outcome, update.Stage));
    }

    /// <summary>Puts every not yet delivered update request on the task being handed out.</summary>
    private void AttachUpdates(WorkflowRun run, PollWorkflowTaskQueueResponse reply, long startedId)
    {
        foreach (UpdateState update in run.Updates.Values.Where(u => u.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted && u.DeliveredIn == 0))
        {
            update.DeliveredIn = startedId;
            update.SequencingEventId = startedId - 1;
            reply.Messages.Add(new Message
            {
                Id = update.MessageId,
                ProtocolInstanceId = update.Id,
                EventId = update.SequencingEventId,
                Body = Any.Pack(update.Request),
            });
        }
    }

    /// <summary>Requests handed to a task that failed or timed out go out again with the next one.</summary>
    private static void RequeueUpdates(WorkflowRun run)
    {
        foreach (UpdateState update in run.Updates.Values.Where(u => u.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted))
        {
            update.DeliveredIn = 0;
        }
    }

    private void TakeMessages(WorkflowRun run, IEnumerable<Message> messages)
    {
        _messages = messages.ToDictionary(m => m.Id);
        foreach (Message m in _messages.Values.Where(m => m.Body.Is(Rejection.Descriptor)).ToList())
        {
            if (run.Updates.Remove(m.ProtocolInstanceId, out UpdateState? update))
            {
                update.Outcome = new Outcome { Failure = m.Body.Unpack<Rejection>().Failure };
                update.Stage = UpdateWorkflowExecutionLifecycleStage.Completed;
                run.Changed.Pulse();
            }

            _messages.Remove(m.Id);
        }
    }

    private void ApplyProtocolMessage(WorkflowRun run, string messageId)
    {
        if (!_messages.Remove(messageId, out Message? message) || !run.Updates.TryGetValue(message.ProtocolInstanceId, out UpdateState? update))
        {
            throw RpcErrors.InvalidArgument($"protocol message {messageId} not found in the completion");
        }

        if (message.Body.Is(Acceptance.Descriptor))
        {
            Acceptance acceptance = message.Body.Unpack<Acceptance>();
            HistoryEvent accepted = Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionUpdateAccepted,
                WorkflowExecutionUpdateAcceptedEventAttributes = new WorkflowExecutionUpdateAcceptedEventAttributes
                {
                    ProtocolInstanceId = update.Id,
                    AcceptedRequestMessageId = acceptance.AcceptedRequestMessageId,
                    AcceptedRequestSequencingEventId = acceptance.AcceptedRequestSequencingEventId,
                    AcceptedRequest = acceptance.AcceptedRequest ?? update.Request,
                },
            });
            update.AcceptedEventId = accepted.EventId;
            update.Stage = UpdateWorkflowExecutionLifecycleStage.Accepted;
        }
        else if (message.Body.Is(Response.Descriptor))
        {
            Response response = message.Body.Unpack<Response>();
            Append(run, new HistoryEvent
            {
                EventType = EventType.WorkflowExecutionUpdateCompleted,
                WorkflowExecutionUpdateCompletedEventAttributes = new WorkflowExecutionUpdateCompletedEventAttributes
                {
                    Meta = response.Meta,
                    AcceptedEventId = update.AcceptedEventId,
                    Outcome = response.Outcome,
                },
            });
            update.Outcome = response.Outcome;
            update.Stage = UpdateWorkflowExecutionLifecycleStage.Completed;
        }
    }

    /// <summary>Messages the worker sent without a ProtocolMessage command are applied after the commands, in order.</summary>
    private void ApplyRemainingMessages(WorkflowRun run)
    {
        foreach (string id in _messages.Keys.ToList())
        {
            ApplyProtocolMessage(run, id);
        }
    }

    /// <summary>
    /// A request the task carried but the worker neither accepted nor rejected is rejected here, as the real server
    /// does; after a workflow-task heartbeat it is sent again instead, since the worker may not have reached it yet.
    /// </summary>
    private static void SettleUnansweredUpdates(WorkflowRun run, long startedId, bool heartbeat)
    {
        foreach (UpdateState update in run.Updates.Values
            .Where(u => u.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted && u.DeliveredIn == startedId).ToList())
        {
            if (heartbeat)
            {
                update.DeliveredIn = 0;
                continue;
            }

            run.Updates.Remove(update.Id);
            update.Outcome = new Outcome { Failure = new Temporalio.Api.Failure.V1.Failure { Message = "the worker did not process the update request" } };
            update.Stage = UpdateWorkflowExecutionLifecycleStage.Completed;
            run.Changed.Pulse();
        }
    }

    private static void AbandonUpdates(WorkflowRun run)
    {
        foreach (UpdateState update in run.Updates.Values)
        {
            update.Abandoned = true;
        }
    }
}
