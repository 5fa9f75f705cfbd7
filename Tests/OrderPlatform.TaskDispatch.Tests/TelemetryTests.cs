using System.Collections.Concurrent;
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

        var task = await TaskSpanAsync(scenario, spans, sent.MessageId);

        Assert.Equal((traceId, producerSpan, ActivityKind.Consumer), (task.TraceId, task.ParentSpanId, task.Kind));
        var webhook = ParseTraceParent(Assert.Single(scenario.Receiver.Calls).TraceParent);
        Assert.Equal(traceId, webhook.TraceId);
        // The receiver's parent is the dispatcher's HTTP client span, itself a child of the task span.
        var http = Snapshot(spans).Single(s => s.SpanId == webhook.SpanId);
        Assert.Equal((ActivityKind.Client, task.SpanId), (http.Kind, http.ParentSpanId));
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

        var task = await TaskSpanAsync(scenario, spans, sent.MessageId);

        Assert.Equal(default, task.ParentSpanId);
        Assert.Equal("succeeded", Assert.Single(scenario.Receiver.Calls).Report.Outcome);
        Assert.Equal(task.TraceId, ParseTraceParent(scenario.Receiver.Calls.Single().TraceParent).TraceId);
    }

    private static async Task<Activity> TaskSpanAsync(Scenario scenario, List<Activity> spans, string messageId)
    {
        Activity? task = null;
        await Storage.EventuallyAsync(() =>
        {
            task = Snapshot(spans).FirstOrDefault(s => s.DisplayName == $"task {scenario.Queue.Name}" && (string?)s.GetTagItem("messaging.message.id") == messageId);
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

    /// <summary>Every measurement of one dispatcher's meter (other tests' dispatchers share its name, not its factory).</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, string? Queue, double Value)> _seen = new();

        public Measurements(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == TaskDispatcher.DispatchMetrics.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public void Observe() => _listener.RecordObservableInstruments();

        public IEnumerable<double> Values(string instrument, string? queue) =>
            _seen.Where(m => m.Instrument == instrument && (queue is null || m.Queue == queue)).Select(m => m.Value);

        public double Sum(string instrument, string? queue) => Values(instrument, queue).Sum();

        public int Count(string instrument, string? queue) => Values(instrument, queue).Count();

        public IEnumerable<string?> Queues(string instrument) => _seen.Where(m => m.Instrument == instrument).Select(m => m.Queue);

        public string Describe() => string.Join(", ", _seen.GroupBy(m => m.Instrument).Select(g => $"{g.Key}={g.Sum(m => m.Value)}"));

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? queue = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "queue")
                {
                    queue = tag.Value as string;
                }
            }

            _seen.Enqueue((instrument.Name, queue, value));
        }
    }
}
