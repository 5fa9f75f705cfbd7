using System.Diagnostics;

namespace OrderPlatform.FlowRunner.Tracing;

/// <summary>
/// Traces that follow a webhook through the queue: the request's W3C <c>traceparent</c> travels in the queue entry, the
/// worker starts a consumer span for the run under it, and each step gets a span of its own under the run's. The
/// source's name is the application's, which ServiceDefaults already listens to.
/// </summary>
public static class RunTracing
{
    public const string SourceName = "OrderPlatform.FlowRunner";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current span as a W3C <c>traceparent</c> (what goes on the queue), or null outside any trace.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// The run's span, a child of the span that queued it when <paramref name="traceParent"/> parses; a root otherwise
    /// (runs from schedules, or re-queued by the reaper).
    /// </summary>
    public static Activity? StartRun(Guid runId, string lane, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity("flowrun process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", lane);
        activity?.SetTag("flowrunner.run.id", runId.ToString());
        return activity;
    }

    public static Activity? StartStep(string name, string type)
    {
        var activity = Source.StartActivity($"step {name}");
        activity?.SetTag("flowrunner.step.name", name);
        activity?.SetTag("flowrunner.step.type", type);
        return activity;
    }

    public static void Failed(Activity? activity, string type, string message)
    {
        activity?.SetStatus(ActivityStatusCode.Error, message);
        activity?.SetTag("error.type", type);
    }
}
