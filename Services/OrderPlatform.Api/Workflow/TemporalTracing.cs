using System.Diagnostics;
using Temporalio.Api.Common.V1;
using Temporalio.Client.Interceptors;
using Temporalio.Converters;

namespace OrderPlatform.Api.Workflow;

/// <summary>
/// Carries the caller's trace into the workflows the Api starts, so that one request shows as one trace across the Api
/// and the Worker. Temporal propagates nothing by itself and <c>Temporalio.Extensions.OpenTelemetry</c> is not served;
/// this writes the same header (<c>_tracer-data</c>, a JSON map with <c>traceparent</c>/<c>tracestate</c>) that the
/// official interceptor writes, so either side can switch to it later.
/// </summary>
public sealed class TemporalTracingInterceptor : IClientInterceptor
{
    /// <summary>The header Temporal's OpenTelemetry interceptor uses.</summary>
    public const string HeaderKey = OrderPlatform.Contracts.OrderWorkflow.TraceHeader;

    /// <summary>Registered with the tracer where the interceptor is registered.</summary>
    public static readonly ActivitySource Source = new(typeof(TemporalTracingInterceptor).Assembly.GetName().Name!);

    /// <inheritdoc />
    public ClientOutboundInterceptor InterceptClient(ClientOutboundInterceptor nextInterceptor) => new Outbound(nextInterceptor);

    private sealed class Outbound(ClientOutboundInterceptor next) : ClientOutboundInterceptor(next)
    {
        public override async Task<Temporalio.Client.WorkflowHandle<TWorkflow, TResult>> StartWorkflowAsync<TWorkflow, TResult>(StartWorkflowInput input)
        {
            using var activity = Source.StartActivity($"StartWorkflow:{input.Workflow}", ActivityKind.Client);
            if (activity is null)
            {
                return await base.StartWorkflowAsync<TWorkflow, TResult>(input);
            }
            activity.SetTag("temporalWorkflowID", input.Options.Id);
            var carrier = new Dictionary<string, string> { ["traceparent"] = activity.Id! };
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                carrier["tracestate"] = activity.TraceStateString;
            }
            var headers = new Dictionary<string, Payload>(input.Headers ?? new Dictionary<string, Payload>())
            {
                [HeaderKey] = DataConverter.Default.PayloadConverter.ToPayload(carrier),
            };
            try
            {
                return await base.StartWorkflowAsync<TWorkflow, TResult>(input with { Headers = headers });
            }
            catch (Exception e)
            {
                activity.SetStatus(ActivityStatusCode.Error, e.Message);
                throw;
            }
        }
    }
}
