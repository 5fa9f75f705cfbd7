using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrderPlatform.TaskDispatcher;

/// <summary>
/// The dispatcher's meter and activity source (both named <see cref="Name"/>, the application name ServiceDefaults
/// already traces): queue depth, pickup latency, running, succeeded, failed, poisoned, webhook failures.
/// </summary>
public sealed class DispatchMetrics : IDisposable
{
    public const string Name = "OrderPlatform.TaskDispatcher";
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, long> _depth = new();
    private readonly Histogram<double> _pickup;
    private readonly UpDownCounter<int> _running;
    private readonly Counter<long> _succeeded;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _poisoned;
    private readonly Counter<long> _webhookFailures;
    private readonly Counter<long> _starts;

    public DispatchMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        _meter.CreateObservableGauge("taskdispatch.queue.depth",
            () => _depth.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("queue", d.Key))), "{message}", "Approximate messages per queue");
        _pickup = _meter.CreateHistogram<double>("taskdispatch.pickup.latency", "ms", "Message inserted → backend start issued (first delivery)");
        _running = _meter.CreateUpDownCounter<int>("taskdispatch.tasks.running", "{task}");
        _succeeded = _meter.CreateCounter<long>("taskdispatch.tasks.succeeded", "{task}");
        _failed = _meter.CreateCounter<long>("taskdispatch.tasks.failed", "{task}");
        _poisoned = _meter.CreateCounter<long>("taskdispatch.tasks.poisoned", "{message}");
        _webhookFailures = _meter.CreateCounter<long>("taskdispatch.webhook.failures", "{request}");
        _starts = _meter.CreateCounter<long>("taskdispatch.tasks.started", "{task}");
    }

    /// <summary>
    /// The span of one delivery, from pickup to the webhook and the message's deletion: a child of the producer's
    /// <c>traceparent</c> when the message carries a valid one, else the root of a new trace. Consumer kind, so the
    /// sampler keeps it even as a root (it drops only parentless client spans such as idle polls).
    /// </summary>
    public static Activity? StartTaskActivity(string queue, string messageId, string? traceParent)
    {
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
        var activity = ActivitySource.StartActivity($"task {queue}", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "azure_storage_queue");
        activity?.SetTag("messaging.destination.name", queue);
        activity?.SetTag("messaging.message.id", messageId);
        return activity;
    }

    /// <summary>Pickup latencies seen by this instance, for the benchmark (milliseconds).</summary>
    public ConcurrentQueue<double> PickupSamples { get; } = new();

    public void QueueDepth(string queue, long depth) => _depth[queue] = depth;

    public void Started(string queue, TimeSpan? pickup)
    {
        _starts.Add(1, new KeyValuePair<string, object?>("queue", queue));
        if (pickup is { } latency)
        {
            _pickup.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("queue", queue));
            PickupSamples.Enqueue(latency.TotalMilliseconds);
        }
    }

    public void Running(int delta) => _running.Add(delta);

    public void Succeeded(string queue) => _succeeded.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public void Failed(string queue, string outcome) =>
        _failed.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("outcome", outcome));

    public void Poisoned(string queue) => _poisoned.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public void WebhookFailed() => _webhookFailures.Add(1);

    /// <summary>ACI creates left in the tighter quota window, for the Aci backend's limiter.</summary>
    public void ObserveCreatesRemaining(Func<int> remaining) =>
        _meter.CreateObservableGauge("taskdispatch.aci.creates.remaining", remaining, "{create}", "ACI creates left in the current quota window");

    public void Dispose() => _meter.Dispose();
}
