using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OrderPlatform.TemporalDev.Engine;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Namespace.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Grpc;

/// <summary>Routes each WorkflowService call by method name to the engine; unknown methods answer UNIMPLEMENTED.</summary>
internal sealed class WorkflowServiceEndpoint(WorkflowEngine engine, ServerSettings settings)
{
    /// <summary>The methods served: those implemented, plus ones the SDK may call that get a clear UNIMPLEMENTED.</summary>
    public static readonly string[] BoundMethods =
    [
        "GetSystemInfo", "DescribeNamespace", "ShutdownWorker",
        "PollWorkflowTaskQueue", "RespondWorkflowTaskCompleted", "RespondWorkflowTaskFailed",
        "PollActivityTaskQueue", "RecordActivityTaskHeartbeat", "RespondActivityTaskCompleted",
        "RespondActivityTaskFailed", "RespondActivityTaskCanceled", "RespondQueryTaskCompleted",
        "StartWorkflowExecution", "SignalWorkflowExecution", "SignalWithStartWorkflowExecution",
        "RequestCancelWorkflowExecution", "TerminateWorkflowExecution", "QueryWorkflow",
        "GetWorkflowExecutionHistory", "DescribeWorkflowExecution", "ListWorkflowExecutions", "CountWorkflowExecutions",
        "UpdateWorkflowExecution", "PollWorkflowExecutionUpdate", "ExecuteMultiOperation", "RecordWorkerHeartbeat",
        "RecordActivityTaskHeartbeatById", "RespondActivityTaskCompletedById", "RespondActivityTaskFailedById",
        "RespondActivityTaskCanceledById", "CreateSchedule", "ResetWorkflowExecution", "ResetStickyTaskQueue",
        "PollNexusTaskQueue", "DescribeTaskQueue", "GetWorkflowExecutionHistoryReverse",
    ];

    public async Task<IMessage> DispatchAsync(string method, IMessage request, ServerCallContext context)
    {
        settings.CallCounts.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (settings.Unimplemented.Contains(method))
        {
            throw RpcErrors.Unimplemented(method);
        }

        CancellationToken cancel = context.CancellationToken;
        return request switch
        {
            GetSystemInfoRequest => SystemInfo(),
            DescribeNamespaceRequest r => DescribeNamespace(r),
            ShutdownWorkerRequest r => engine.ShutdownWorker(r),
            ResetStickyTaskQueueRequest r => engine.ResetStickyTaskQueue(r),
            PollWorkflowTaskQueueRequest r => await engine.PollWorkflowTaskAsync(r, cancel).ConfigureAwait(false) ?? new PollWorkflowTaskQueueResponse(),
            RespondWorkflowTaskCompletedRequest r => engine.CompleteWorkflowTask(r),
            RespondWorkflowTaskFailedRequest r => engine.FailWorkflowTask(r),
            PollActivityTaskQueueRequest r => await engine.PollActivityTaskAsync(r, cancel).ConfigureAwait(false) ?? new PollActivityTaskQueueResponse(),
            RecordActivityTaskHeartbeatRequest r => engine.Heartbeat(r),
            RespondActivityTaskCompletedRequest r => engine.CompleteActivity(r),
            RespondActivityTaskFailedRequest r => engine.FailActivity(r),
            RespondActivityTaskCanceledRequest r => engine.CancelActivity(r),
            RespondQueryTaskCompletedRequest r => engine.CompleteQuery(r),
            StartWorkflowExecutionRequest r => engine.StartWorkflow(r),
            SignalWorkflowExecutionRequest r => engine.SignalWorkflow(r),
            SignalWithStartWorkflowExecutionRequest r => engine.SignalWithStart(r),
            RequestCancelWorkflowExecutionRequest r => engine.RequestCancel(r),
            TerminateWorkflowExecutionRequest r => engine.TerminateWorkflow(r),
            QueryWorkflowRequest r => await engine.QueryAsync(r, context.Deadline, cancel).ConfigureAwait(false),
            GetWorkflowExecutionHistoryRequest r => await engine.GetHistoryAsync(r, cancel).ConfigureAwait(false),
            DescribeWorkflowExecutionRequest r => engine.Describe(r),
            ListWorkflowExecutionsRequest r => engine.List(r),
            CountWorkflowExecutionsRequest r => engine.Count(r),
            UpdateWorkflowExecutionRequest r => await engine.UpdateAsync(r, cancel).ConfigureAwait(false),
            PollWorkflowExecutionUpdateRequest r => await engine.PollUpdateAsync(r, cancel).ConfigureAwait(false),
            _ => throw RpcErrors.Unimplemented(method),
        };
    }

    private static GetSystemInfoResponse SystemInfo() => new()
    {
        ServerVersion = "1.25.0-orderplatform-dev",
        Capabilities = new GetSystemInfoResponse.Types.Capabilities
        {
            SignalAndQueryHeader = true,
            InternalErrorDifferentiation = true,
            ActivityFailureIncludeHeartbeat = true,
            EncodedFailureAttributes = true,
            UpsertMemo = true,
            SdkMetadata = true,
        },
    };

    private DescribeNamespaceResponse DescribeNamespace(DescribeNamespaceRequest request)
    {
        if (!engine.Namespaces.Contains(request.Namespace))
        {
            throw RpcErrors.NotFound($"namespace {request.Namespace} not found");
        }

        // Capabilities stay empty on purpose: each one switches sdk-core onto RPCs this server does not have.
        return new DescribeNamespaceResponse
        {
            NamespaceInfo = new NamespaceInfo
            {
                Name = request.Namespace,
                Id = request.Namespace,
                State = NamespaceState.Registered,
                Capabilities = new NamespaceInfo.Types.Capabilities(),
            },
            Config = new NamespaceConfig { WorkflowExecutionRetentionTtl = Duration.FromTimeSpan(TimeSpan.FromDays(1)) },
        };
    }
}

/// <summary>Test hooks and counters shared by the endpoint and the public server object.</summary>
internal sealed class ServerSettings(IEnumerable<string> unimplemented)
{
    public HashSet<string> Unimplemented { get; } = [.. unimplemented];

    public ConcurrentDictionary<string, long> CallCounts { get; } = new();
}
