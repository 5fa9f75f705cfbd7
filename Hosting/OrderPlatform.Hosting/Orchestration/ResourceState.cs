using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>Aspire's known resource states.</summary>
public static class KnownResourceStates
{
#pragma warning disable CS1591 // The names say it.
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string RuntimeUnhealthy = "RuntimeUnhealthy";
    public const string Stopping = "Stopping";
    public const string Exited = "Exited";
    public const string Finished = "Finished";
    public const string FailedToStart = "FailedToStart";
    public const string Active = "Active";
#pragma warning restore CS1591

    /// <summary>States after which a resource will not become healthy without a restart.</summary>
    public static readonly IReadOnlySet<string> Terminal = new HashSet<string> { Finished, FailedToStart, Exited };
}

/// <summary>Health of a running resource; null while not running.</summary>
public enum ResourceHealth
{
    /// <summary>All checks pass (or there are none).</summary>
    Healthy,
    /// <summary>A check fails or has not passed yet.</summary>
    Unhealthy,
}

/// <summary>An immutable snapshot of one resource, published on every change.</summary>
public sealed record ResourceSnapshot
{
    /// <summary>Resource name.</summary>
    public required string Name { get; init; }

    /// <summary>Kind shown on the dashboard (Project, Executable, Container, Postgres, ...).</summary>
    public required string Kind { get; init; }

    /// <summary>One of <see cref="KnownResourceStates"/>.</summary>
    public string State { get; init; } = KnownResourceStates.NotStarted;

    /// <summary>Health once running.</summary>
    public ResourceHealth? Health { get; init; }

    /// <summary>Last health description per check.</summary>
    public IReadOnlyDictionary<string, string> HealthReports { get; init; } = new Dictionary<string, string>();

    /// <summary>Process ids (one per replica).</summary>
    public IReadOnlyList<int> ProcessIds { get; init; } = [];

    /// <summary>Exit code after Exited/Finished.</summary>
    public int? ExitCode { get; init; }

    /// <summary>When the current run started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>How many times it was restarted from the dashboard.</summary>
    public int Restarts { get; init; }

    /// <summary>Allocated URLs by endpoint name.</summary>
    public IReadOnlyDictionary<string, string> Urls { get; init; } = new Dictionary<string, string>();

    /// <summary>The environment the process got; secret values are already masked here.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Why it failed, with the tail of its log.</summary>
    public string? Error { get; init; }

    /// <summary>Resources this one waits for.</summary>
    public IReadOnlyList<string> WaitsFor { get; init; } = [];

    /// <summary>Running and (if it has checks) healthy.</summary>
    public bool IsReady => State is KnownResourceStates.Running or KnownResourceStates.Active && Health == ResourceHealth.Healthy;
}

/// <summary>Publishes resource snapshots and lets callers wait for states (Aspire's ResourceNotificationService).</summary>
public sealed class ResourceNotificationService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ResourceSnapshot> _current = new(StringComparer.Ordinal);
    private readonly List<Action<ResourceSnapshot>> _subscribers = [];
    private readonly CancellationToken _stopping;

    internal ResourceNotificationService(CancellationToken stopping) => _stopping = stopping;

    /// <summary>Every resource's latest snapshot.</summary>
    public IReadOnlyList<ResourceSnapshot> Current
    {
        get { lock (_gate) { return [.. _current.Values]; } }
    }

    /// <summary>The latest snapshot of one resource.</summary>
    public ResourceSnapshot? Get(string name)
    {
        lock (_gate) { return _current.GetValueOrDefault(name); }
    }

    /// <summary>Called on every change; returns a handle that unsubscribes.</summary>
    public IDisposable Subscribe(Action<ResourceSnapshot> onChange)
    {
        lock (_gate) { _subscribers.Add(onChange); }
        return new Unsubscriber(() => { lock (_gate) { _subscribers.Remove(onChange); } });
    }

    internal ResourceSnapshot Publish(string name, Func<ResourceSnapshot, ResourceSnapshot> update)
    {
        ResourceSnapshot next;
        Action<ResourceSnapshot>[] subscribers;
        lock (_gate)
        {
            next = update(_current[name]);
            _current[name] = next;
            subscribers = [.. _subscribers];
        }
        foreach (var s in subscribers)
        {
            s(next);
        }
        return next;
    }

    internal void Register(ResourceSnapshot snapshot)
    {
        lock (_gate) { _current[snapshot.Name] = snapshot; }
    }

    /// <summary>Waits until the resource's snapshot satisfies <paramref name="predicate"/>.</summary>
    public async Task<ResourceSnapshot> WaitForResourceAsync(string name, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
        var tcs = new TaskCompletionSource<ResourceSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Subscribe(s =>
        {
            if (s.Name == name && predicate(s))
            {
                tcs.TrySetResult(s);
            }
        });
        var now = Get(name) ?? throw new ArgumentException($"There is no resource named '{name}'.", nameof(name));
        if (predicate(now))
        {
            return now;
        }
        await using var registration = linked.Token.Register(() => tcs.TrySetCanceled(linked.Token));
        return await tcs.Task.ConfigureAwait(false);
    }

    /// <summary>Waits for one of the given states.</summary>
    public Task<ResourceSnapshot> WaitForResourceAsync(string name, string targetState, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(name, s => s.State == targetState, cancellationToken);

    /// <summary>
    /// Waits until the resource is running and healthy. Fails fast (instead of hanging) when the resource reaches a
    /// terminal state, with its error and log tail in the message.
    /// </summary>
    public async Task<ResourceSnapshot> WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default)
    {
        var snapshot = await WaitForResourceAsync(name, s => s.IsReady || KnownResourceStates.Terminal.Contains(s.State), cancellationToken).ConfigureAwait(false);
        return snapshot.IsReady
            ? snapshot
            : throw new DistributedApplicationException($"Resource '{name}' is {snapshot.State} and will not become healthy. {snapshot.Error}");
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

/// <summary>A failure of the app model or orchestrator, with a message meant for the developer.</summary>
public sealed class DistributedApplicationException(string message, Exception? inner = null) : Exception(message, inner);

internal static class ResourceKinds
{
    public static string Of(IResource resource) => resource switch
    {
        ProjectResource => "Project",
        ExecutableResource => "Executable",
        ParameterResource => "Parameter",
        _ => resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal),
    };
}
