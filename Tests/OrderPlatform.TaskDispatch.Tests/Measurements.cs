using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>Every measurement of one dispatcher's meter (other tests' dispatchers share its name, not its factory).</summary>
internal sealed class Measurements : IDisposable
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
