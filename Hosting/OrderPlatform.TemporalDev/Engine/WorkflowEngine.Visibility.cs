using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OrderPlatform.TemporalDev.Grpc;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.Workflow.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

internal sealed partial class WorkflowEngine
{
    private static readonly Regex Condition = new(
        @"^\s*(?<key>WorkflowType|WorkflowId|ExecutionStatus)\s*=\s*(?<q>['""])(?<value>[^'""]*)\k<q>\s*$",
        RegexOptions.Compiled | RegexOptions.IgnoreCase);

    /// <summary>Full history (one page), or with CLOSE_EVENT + wait the result long poll.</summary>
    public async Task<GetWorkflowExecutionHistoryResponse> GetHistoryAsync(GetWorkflowExecutionHistoryRequest request, CancellationToken cancel)
    {
        bool closeOnly = request.HistoryEventFilterType == HistoryEventFilterType.CloseEvent;
        int from = request.NextPageToken.IsEmpty ? 0 : int.Parse(request.NextPageToken.ToStringUtf8(), System.Globalization.CultureInfo.InvariantCulture);
        GetWorkflowExecutionHistoryResponse? reply = await LongPollAsync(() =>
        {
            WorkflowRun run = RunOrThrow(request.Namespace, request.Execution.WorkflowId, request.Execution.RunId);
            var history = new History();
            if (closeOnly)
            {
                if (!run.IsOpen)
                {
                    history.Events.Add(run.History[^1].Clone());
                }
            }
            else
            {
                // Appended events are never mutated, so the reply shares them instead of cloning each one.
                history.Events.AddRange(from == 0 ? run.History : run.History.Skip(from));
            }

            bool ready = history.Events.Count > 0 || !request.WaitNewEvent || !run.IsOpen;
            if (!ready)
            {
                return (null, closeOnly ? run.Closed.WaitTask : run.Changed.WaitTask);
            }

            var response = new GetWorkflowExecutionHistoryResponse { History = history };
            if (request.WaitNewEvent && !closeOnly && run.IsOpen)
            {
                response.NextPageToken = PageToken(run.History.Count);
            }

            return (response, (Task?)null);
        }, PollHold, cancel).ConfigureAwait(false);

        // On hold expiry: an empty page with a token makes the client poll again instead of failing.
        return reply ?? new GetWorkflowExecutionHistoryResponse { History = new History(), NextPageToken = PageToken(from) };
    }

    private static ByteString PageToken(int count) =>
        ByteString.CopyFromUtf8(count.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public DescribeWorkflowExecutionResponse Describe(DescribeWorkflowExecutionRequest request) => Locked(() =>
    {
        WorkflowRun run = RunOrThrow(request.Namespace, request.Execution.WorkflowId, request.Execution.RunId);
        var reply = new DescribeWorkflowExecutionResponse
        {
            ExecutionConfig = new WorkflowExecutionConfig
            {
                TaskQueue = new TaskQueue { Name = run.Start.TaskQueue.Name, Kind = TaskQueueKind.Normal },
                WorkflowExecutionTimeout = run.Start.WorkflowExecutionTimeout,
                WorkflowRunTimeout = run.Start.WorkflowRunTimeout,
                DefaultWorkflowTaskTimeout = run.TaskTimeout,
            },
            WorkflowExecutionInfo = Info(run),
        };
        foreach (ActivityState activity in run.Activities.Values)
        {
            reply.PendingActivities.Add(new PendingActivityInfo
            {
                ActivityId = activity.Attributes.ActivityId,
                ActivityType = activity.Attributes.ActivityType,
                State = activity.CancelRequestedEventId != 0 ? PendingActivityState.CancelRequested
                    : activity.Running ? PendingActivityState.Started : PendingActivityState.Scheduled,
                HeartbeatDetails = activity.HeartbeatDetails,
                LastHeartbeatTime = activity.Running ? Timestamp.FromDateTime(activity.LastHeartbeatTime) : null,
                LastStartedTime = activity.Running ? Timestamp.FromDateTime(activity.StartedTime) : null,
                Attempt = activity.Attempt,
                MaximumAttempts = activity.Attributes.RetryPolicy.MaximumAttempts,
                ScheduledTime = Timestamp.FromDateTime(activity.ScheduledTime),
                LastFailure = activity.LastFailure,
                LastWorkerIdentity = activity.Identity,
            });
        }

        return reply;
    });

    public ListWorkflowExecutionsResponse List(ListWorkflowExecutionsRequest request) => Locked(() =>
    {
        var reply = new ListWorkflowExecutionsResponse();
        reply.Executions.AddRange(Matching(request.Namespace, request.Query).Select(Info));
        return reply;
    });

    public CountWorkflowExecutionsResponse Count(CountWorkflowExecutionsRequest request) => Locked(() =>
        new CountWorkflowExecutionsResponse { Count = Matching(request.Namespace, request.Query).Count() });

    private IEnumerable<WorkflowRun> Matching(string ns, string query)
    {
        List<Func<WorkflowRun, bool>> filters = [];
        if (!string.IsNullOrWhiteSpace(query))
        {
            foreach (string part in Regex.Split(query, @"\s+AND\s+", RegexOptions.IgnoreCase))
            {
                Match m = Condition.Match(part);
                if (!m.Success)
                {
                    throw RpcErrors.InvalidArgument(
                        $"unsupported visibility query '{query}': only WorkflowType, WorkflowId and ExecutionStatus equality joined by AND");
                }

                string value = m.Groups["value"].Value;
                filters.Add(m.Groups["key"].Value.ToUpperInvariant() switch
                {
                    "WORKFLOWTYPE" => r => r.Start.WorkflowType.Name == value,
                    "WORKFLOWID" => r => r.WorkflowId == value,
                    _ => r => string.Equals(r.Status.ToString(), value, StringComparison.OrdinalIgnoreCase),
                });
            }
        }

        return [.. _runs.Values.Where(r => r.Namespace == ns && filters.All(f => f(r)))
            .OrderByDescending(r => r.StartTime).ThenByDescending(r => r.History[0].TaskId)];
    }

    private static WorkflowExecutionInfo Info(WorkflowRun run) => new()
    {
        Execution = run.Execution,
        Type = run.Start.WorkflowType,
        StartTime = Timestamp.FromDateTime(run.StartTime),
        ExecutionTime = Timestamp.FromDateTime(run.StartTime),
        CloseTime = run.CloseTime is { } closed ? Timestamp.FromDateTime(closed) : null,
        Status = run.Status,
        HistoryLength = run.History.Count,
        TaskQueue = run.Start.TaskQueue.Name,
        Memo = run.Memo.Clone(),
        SearchAttributes = run.SearchAttributes.Clone(),
        FirstRunId = run.RunId,
    };
}
