using System.Diagnostics;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>Prints one line per state or health change with the time since the AppHost started.</summary>
internal sealed class ConsoleReporter(ResourceNotificationService notifications, bool enabled) : IDisposable
{
    private readonly Dictionary<string, string> _last = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private bool _allHealthyReported;

    private static long ElapsedMs => (long)(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

    public void Start(string appHostDirectory, string dataDirectory)
    {
        if (!enabled)
        {
            return;
        }
        Console.WriteLine($"OrderPlatform AppHost: {appHostDirectory}");
        Console.WriteLine($"  data: {dataDirectory}");
        _subscription = notifications.Subscribe(OnChange);
        foreach (var s in notifications.Current)
        {
            OnChange(s);
        }
    }

    public void Dashboard(string? url)
    {
        if (enabled && url is not null)
        {
            Console.WriteLine($"[+{ElapsedMs,6} ms] Dashboard: {url}");
        }
    }

    private void OnChange(ResourceSnapshot s)
    {
        if (s.Kind == "Parameter")
        {
            return;
        }
        var text = s.State + (s.Health is { } h && s.State == KnownResourceStates.Running ? $" ({h.ToString().ToLowerInvariant()})" : "");
        lock (_gate)
        {
            if (_last.GetValueOrDefault(s.Name) == text)
            {
                return;
            }
            _last[s.Name] = text;
            var urls = s.IsReady && s.Urls.Count > 0 ? "  " + string.Join(" ", s.Urls.Values) : "";
            Console.WriteLine($"[+{ElapsedMs,6} ms] {s.Name,-16} {text}{urls}");
            if (s.Error is not null && KnownResourceStates.Terminal.Contains(s.State))
            {
                Console.Error.WriteLine($"    {s.Name}: {s.Error.Replace("\n", "\n    ", StringComparison.Ordinal)}");
            }
            var all = notifications.Current;
            if (!_allHealthyReported && all.All(r => r.IsReady))
            {
                _allHealthyReported = true;
                Console.WriteLine($"[+{ElapsedMs,6} ms] All {all.Count} resources are running and healthy. Ctrl+C stops them.");
            }
        }
    }

    public void Dispose() => _subscription?.Dispose();
}
