using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The dispatcher's instruments and its trace from message to webhook, against Azurite and a real receiver.</summary>
public sealed class TelemetryTests(Storage storage)
{
    [Fact]
    public async Task EveryOutcomeIsCountedOnTheDispatchersInstruments()
    {
        await using var scenario = await new Scenario(storage).CreateAsync(configure: s => s["TaskDispatch:MaxDequeueCount"] = "1");
        var app = await scenario.StartDispatcherAsync();
        using var measured = new Measurements(app.Services.GetRequiredService<IMeterFactory>());
        var queue = scenario.Queue.Name;
        await scenario.SendAsync(Scenario.Echo("counted-ok"));
        await scenario.SendAsync(Scenario.Echo("counted-fails", exitCode: 3));
        await scenario.SendAsync("{ not json");

        await Storage.EventuallyAsync(() => Task.FromResult(measured.Sum("taskdispatch.tasks.poisoned", queue) == 2 && measured.Sum("taskdispatch.tasks.succeeded", queue) == 1),
            () => $"one success and two poisoned (seen {measured.Describe()})");

        Assert.Equal(2, measured.Sum("taskdispatch.tasks.started", queue));
        Assert.Equal(1, measured.Sum("taskdispatch.tasks.failed", queue));
        Assert.Equal(2, measured.Count("taskdispatch.pickup.latency", queue));
        Assert.All(measured.Values("taskdispatch.pickup.latency", queue), ms => Assert.InRange(ms, 0, 30_000));
        // Both runs went up and came down again.
        Assert.Equal(2, measured.Values("taskdispatch.tasks.running", null).Count(v => v == 1));
        Assert.Equal(0, measured.Sum("taskdispatch.tasks.running", null));
        measured.Observe();
        Assert.Contains(queue, measured.Queues("taskdispatch.queue.depth"));
    }

    [Fact]
    public async Task TheTraceRunsFromTheMessagesTraceparentToTheWebhook()
    {
        var spans = new List<Activity>();
        await using var scenario = await new Scenario(storage).CreateAsync();
        await scenario.StartDispatcherAsync(services => services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans)));
        var (traceId, producerSpan) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var sent = await scenario.SendAsync($$"""{"taskId":"traced","taskType":"echo","data":{},"traceparent":"00-{{traceId}}-{{producerSpan}}-01"}""");

        await Storage.EventuallyAsync(() => Task.FromResult(!scenario.Receiver.Calls.IsEmpty), () => "the webhook");
        // First, not Single: a delivery whose lease was lost on loaded cores may repeat the webhook (same idempotency key).
        var webhook = ParseTraceParent(scenario.Receiver.Calls.First().TraceParent);
        Assert.Equal(traceId, webhook.TraceId);

        // The receiver's parent is the dispatcher's HTTP client span, itself a child of the delivery's task span,
        // itself a child of the producer's span.
        Activity? http = null, task = null;
        await Storage.EventuallyAsync(() =>
        {
            var all = Snapshot(spans);
            http = all.FirstOrDefault(s => s.SpanId == webhook.SpanId);
            task = http is null ? null : all.FirstOrDefault(s => s.SpanId == http.ParentSpanId);
            return Task.FromResult(task is not null);
        }, () => $"the webhook's HTTP span ({http is not null}) and its parent");
        Assert.Equal(ActivityKind.Client, http!.Kind);
        Assert.Equal(($"task {scenario.Queue.Name}", sent.MessageId, ActivityKind.Consumer), (task!.DisplayName, (string?)task.GetTagItem("messaging.message.id"), task.Kind));
        Assert.Equal((traceId, producerSpan), (task.TraceId, task.ParentSpanId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00-not-a-trace-context")]
    public async Task WithoutAUsableTraceparentTheTraceStartsAtPickup(string? traceParent)
    {
        var spans = new List<Activity>();
        await using var scenario = await new Scenario(storage).CreateAsync();
        await scenario.StartDispatcherAsync(services => services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans)));
        var extra = traceParent is null ? "" : $",\"traceparent\":\"{traceParent}\"";
        var sent = await scenario.SendAsync($$"""{"taskId":"untraced","taskType":"echo","data":{}{{extra}}}""");

        await Storage.EventuallyAsync(() => Task.FromResult(!scenario.Receiver.Calls.IsEmpty), () => "the webhook");
        var call = scenario.Receiver.Calls.First();
        var webhook = ParseTraceParent(call.TraceParent);

        // Each delivery without a usable parent is a trace of its own (a slow run may be delivered twice): the one that
        // sent the webhook is a root span of this message.
        var task = await TaskSpanAsync(scenario, spans, sent.MessageId, webhook.TraceId);
        Assert.Equal(default, task.ParentSpanId);
        Assert.Equal("succeeded", call.Report.Outcome);
    }

    private static async Task<Activity> TaskSpanAsync(Scenario scenario, List<Activity> spans, string messageId, ActivityTraceId? traceId = null)
    {
        Activity? task = null;
        await Storage.EventuallyAsync(() =>
        {
            task = Snapshot(spans).FirstOrDefault(s => s.DisplayName == $"task {scenario.Queue.Name}" && (string?)s.GetTagItem("messaging.message.id") == messageId
                && (traceId is null || s.TraceId == traceId));
            return Task.FromResult(task is not null && !scenario.Receiver.Calls.IsEmpty);
        }, () => $"the task span and the webhook ({scenario.Receiver.Calls.Count} calls, {Snapshot(spans).Length} spans)");
        return task!;
    }

    // The exporter appends from whichever thread ends a span: copy under retry rather than enumerate a list in flux.
    private static Activity[] Snapshot(List<Activity> spans)
    {
        while (true)
        {
            try
            {
                return [.. spans];
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
            }
        }
    }

    private static ActivityContext ParseTraceParent(string? header)
    {
        Assert.True(ActivityContext.TryParse(header, null, out var context), $"the webhook carried no valid traceparent: '{header}'");
        return context;
    }
}
