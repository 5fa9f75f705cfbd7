using System.Diagnostics;
using Temporalio.Api.Common.V1;
using Temporalio.Converters;
using Temporalio.Worker.Interceptors;

namespace OrderPlatform.Worker.Workflows;

/// <summary>
/// Continues the trace a workflow was started with (the Api's request) in the Worker: the workflow passes the
/// <c>_tracer-data</c> header it was started with on to every activity it schedules (no spans inside workflow code, so
/// replay stays deterministic), and each activity runs in a <c>RunActivity:NAME</c> span whose parent is that trace.
/// The header is the one <c>Temporalio.Extensions.OpenTelemetry</c> writes (not served here), so either side can move to
/// the official interceptor later.
/// </summary>
public sealed class TemporalTracingInterceptor : IWorkerInterceptor
{
    /// <summary>The header Temporal's OpenTelemetry interceptor uses.</summary>
    public const string HeaderKey = OrderPlatform.Contracts.OrderWorkflow.TraceHeader;

    /// <summary>Registered with the tracer where the interceptor is registered.</summary>
    public static readonly ActivitySource Source = new(typeof(TemporalTracingInterceptor).Assembly.GetName().Name!);

    /// <inheritdoc />
    public WorkflowInboundInterceptor InterceptWorkflow(WorkflowInboundInterceptor nextInterceptor) => new WorkflowInbound(nextInterceptor);

    /// <inheritdoc />
    public ActivityInboundInterceptor InterceptActivity(ActivityInboundInterceptor nextInterceptor) => new ActivityInbound(nextInterceptor);

    private static IDictionary<string, Payload>? WithTrace(IDictionary<string, Payload>? headers)
    {
        if (Temporalio.Workflows.Workflow.Info.Headers?.TryGetValue(HeaderKey, out var trace) != true)
        {
            return headers;
        }
        return new Dictionary<string, Payload>(headers ?? new Dictionary<string, Payload>()) { [HeaderKey] = trace! };
    }

    private sealed class WorkflowInbound(WorkflowInboundInterceptor next) : WorkflowInboundInterceptor(next)
    {
        public override void Init(WorkflowOutboundInterceptor outbound) => base.Init(new WorkflowOutbound(outbound));
    }

    private sealed class WorkflowOutbound(WorkflowOutboundInterceptor next) : WorkflowOutboundInterceptor(next)
    {
        public override Task<TResult> ScheduleActivityAsync<TResult>(ScheduleActivityInput input) =>
            base.ScheduleActivityAsync<TResult>(input with { Headers = WithTrace(input.Headers) });

        public override Task<TResult> ScheduleLocalActivityAsync<TResult>(ScheduleLocalActivityInput input) =>
            base.ScheduleLocalActivityAsync<TResult>(input with { Headers = WithTrace(input.Headers) });
    }

    private sealed class ActivityInbound(ActivityInboundInterceptor next) : ActivityInboundInterceptor(next)
    {
        public override async Task<object?> ExecuteActivityAsync(ExecuteActivityInput input)
        {
            var context = Temporalio.Activities.ActivityExecutionContext.Current;
            var info = context.Info;
            ActivityContext parent = default;
            if (input.Headers?.TryGetValue(HeaderKey, out var payload) == true
                && DataConverter.Default.PayloadConverter.ToValue<Dictionary<string, string>>(payload) is { } carrier
                && carrier.TryGetValue("traceparent", out var traceparent))
            {
                carrier.TryGetValue("tracestate", out var tracestate);
                ActivityContext.TryParse(traceparent, tracestate, out parent);
            }
            using var activity = Source.StartActivity($"RunActivity:{info.ActivityType}", ActivityKind.Server, parent);
            activity?.SetTag("temporalWorkflowID", info.WorkflowId);
            activity?.SetTag("temporalActivityID", info.ActivityId);
            context.Logger.LogInformation("Running activity {ActivityType} of workflow {WorkflowId} (attempt {Attempt})", info.ActivityType, info.WorkflowId, info.Attempt);
            try
            {
                return await base.ExecuteActivityAsync(input);
            }
            catch (Exception e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                throw;
            }
        }
    }
}
