using OrderPlatform.TemporalDev.Grpc;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Query.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    public async Task<QueryWorkflowResponse> QueryAsync(QueryWorkflowRequest request, DateTime deadline, CancellationToken cancel)
    {
        PendingQuery? pending = null;
        QueryWorkflowResponse? rejected = Locked(() =>
        {
            WorkflowRun run = RunOrThrow(request.Namespace, request.Execution.WorkflowId, request.Execution.RunId);
            bool reject = request.QueryRejectCondition switch
            {
                QueryRejectCondition.NotOpen => !run.IsOpen,
                QueryRejectCondition.NotCompletedCleanly => !run.IsOpen && run.Status != WorkflowExecutionStatus.Completed,
                _ => false,
            };
            if (reject)
            {
                return new QueryWorkflowResponse { QueryRejected = new QueryRejected { Status = run.Status } };
            }

            pending = new PendingQuery(Guid.NewGuid().ToString("N"), request.Query);
            run.Queries.Enqueue(pending);
            OfferWorkflowWork(run);
            ArmStickyQueryFallback(run, pending);
            return null;
        });
        if (rejected is not null)
        {
            return rejected;
        }

        RespondQueryTaskCompletedRequest answer;
        try
        {
            // Answer just before the caller's deadline so it sees DEADLINE_EXCEEDED from us, not a dropped stream.
            TimeSpan wait = deadline == DateTime.MaxValue ? TimeSpan.FromSeconds(30) : deadline - DateTime.UtcNow - TimeSpan.FromMilliseconds(200);
            answer = await pending!.Answer.Task.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancel).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            Locked(() => ForgetQuery(pending!));
            throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.DeadlineExceeded, "query timed out before a worker answered"));
        }

        if (answer.CompletedType == QueryResultType.Answered)
        {
            return new QueryWorkflowResponse { QueryResult = answer.QueryResult };
        }

        throw RpcErrors.QueryFailed(answer.ErrorMessage, answer.Failure);
    }

    private void ForgetQuery(PendingQuery query)
    {
        foreach (WorkflowRun run in _runs.Values.Where(r => r.ActiveQuery == query || r.Queries.Contains(query)))
        {
            if (run.ActiveQuery == query)
            {
                run.ActiveQuery = null;
                OfferWorkflowWork(run);
            }
            else
            {
                List<PendingQuery> rest = [.. run.Queries.Where(q => q != query)];
                run.Queries.Clear();
                rest.ForEach(run.Queries.Enqueue);
            }
        }
    }

    /// <summary>A legacy query task goes out only when no workflow task is outstanding and no other query is.</summary>
    private PollWorkflowTaskQueueResponse? TryDispatchQuery(WorkflowRun run, bool sticky)
    {
        if (run.ActiveQuery is not null || run.TaskScheduledId != 0 || !run.Queries.TryDequeue(out PendingQuery? query))
        {
            return null;
        }

        run.ActiveQuery = query;
        // As in Temporal, a sticky query carries no events: the worker answers from its cached state, or fetches the
        // history itself on a cache miss.
        PollWorkflowTaskQueueResponse reply = NewWorkflowTaskReply(
            run, new TaskToken(TaskToken.Query, run.RunId, 0, 1, query.Id), 0, sticky ? run.History.Count : 0);
        reply.Query = query.Query;
        return reply;
    }

    public RespondQueryTaskCompletedResponse CompleteQuery(RespondQueryTaskCompletedRequest request) => Locked(() =>
    {
        if (TaskToken.Parse(request.TaskToken) is not { Kind: TaskToken.Query } token
            || !_runs.TryGetValue(token.RunId, out WorkflowRun? run) || run.ActiveQuery?.Id != token.QueryId)
        {
            throw RpcErrors.NotFound("query task not found");
        }

        run.ActiveQuery.Answer.TrySetResult(request);
        run.ActiveQuery = null;
        OfferWorkflowWork(run);
        return new RespondQueryTaskCompletedResponse();
    });
}
