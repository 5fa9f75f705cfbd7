using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>What every runner shares: services, folders, and how to build a launch context.</summary>
internal sealed class OrchestratorContext
{
    public required ResourceNotificationService Notifications { get; init; }

    public required ResourceLoggerService Logs { get; init; }

    public required DistributedApplicationExecutionContext ExecutionContext { get; init; }

    public required string DataDirectory { get; init; }

    public required string ToolsDirectory { get; init; }

    public required string InstanceId { get; init; }

    public required IReadOnlyList<IResource> Resources { get; init; }

    public ContainerRuntimeMode Runtime { get; set; }

    public CancellationToken Stopping { get; init; }

    public bool Ephemeral { get; init; }

    public string PidFile(string name) => Path.Combine(DataDirectory, "run", name + ".pid");

    public LaunchContext CreateLaunchContext(IResource resource, int replica, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> args) => new()
    {
        Resource = resource,
        Replica = replica,
        Environment = env,
        Args = args,
        DataDirectory = Path.Combine(DataDirectory, resource.Name),
        ToolsDirectory = ToolsDirectory,
        Runtime = Runtime,
        Ephemeral = Ephemeral,
        InstanceId = InstanceId,
        Log = line => Logs.Write(resource.Name, "[apphost] " + line),
    };

    /// <summary>Children without a lifetime of their own (databases, blob/queue services) follow their parent.</summary>
    public void SetChildren(IResource parent, string state, ResourceHealth? health)
    {
        foreach (var child in Resources.OfType<IResourceWithParent>().Where(c => c.Parent == parent && !c.Annotations.OfKind<LocalLaunchAnnotation>().Any()))
        {
            Notifications.Publish(child.Name, s => s with { State = state, Health = health, StartedAt = health is null ? s.StartedAt : DateTimeOffset.UtcNow });
            SetChildren(child, state, health);
        }
    }
}

/// <summary>
/// Walks the graph: resolves parameters, allocates ports, starts every resource that has a launcher (each waits for
/// its own dependencies), and stops them in reverse dependency order.
/// </summary>
internal sealed class Orchestrator(OrchestratorContext context, DistributedApplicationOptions options)
{
    private readonly Dictionary<string, ResourceRunner> _runners = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ResourceRunner> Runners => _runners;

    public void Prepare(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        Directory.CreateDirectory(context.DataDirectory);
        var parameters = context.Resources.OfType<ParameterResource>()
            .Concat(context.Resources.OfType<ConnectionStringParameterResource>().Select(c => c.Parameter));
        ParameterValues.Resolve(parameters, configuration, context.DataDirectory, context.Logs);
        AllocateEndpoints();
        foreach (var r in context.Resources)
        {
            var launcher = LauncherOf(r);
            // Children follow a parent that runs (databases on a server); under a parent with no process of its own
            // (Cosmos absent locally) they have no lifetime either.
            var noLifetime = launcher is null && (r is not IResourceWithParent child || !HasLauncherAbove(child));
            context.Notifications.Register(new ResourceSnapshot
            {
                Name = r.Name,
                Kind = ResourceKinds.Of(r),
                State = noLifetime ? KnownResourceStates.Active : KnownResourceStates.NotStarted,
                Health = noLifetime ? ResourceHealth.Healthy : null,
                Urls = r.Annotations.OfKind<EndpointAnnotation>().Where(e => e.Allocated is not null).ToDictionary(e => e.Name, e => e.Allocated!.Url),
                WaitsFor = [.. r.Annotations.OfKind<WaitAnnotation>().Select(w => w.Resource.Name)],
            });
            if (launcher is not null)
            {
                _runners[r.Name] = new ResourceRunner(r, launcher, context);
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        context.Runtime = await ContainerEngine.ResolveAsync(options.Runtime, cancellationToken).ConfigureAwait(false);
        if (!options.IsTesting)
        {
            PidFiles.Reap(Path.Combine(context.DataDirectory, "run"), line => context.Logs.Write("apphost", line));
        }
        var missing = _runners.Values
            .Select(r => r.Resource.Annotations.OfKind<LocalLaunchAnnotation>().Last().Launcher)
            .OfType<IPrerequisiteCheck>()
            .Select(c => c.CheckPrerequisites(context.Runtime))
            .OfType<string>()
            .Distinct()
            .ToList();
        if (missing.Count > 0)
        {
            throw new DistributedApplicationException(
                $"Cannot start: no container engine answered and these programs are missing:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", missing)}");
        }
        foreach (var runner in _runners.Values.Where(r => !r.Resource.Annotations.OfKind<ExplicitStartAnnotation>().Any()))
        {
            runner.Start();
        }
    }

    public Task StartResourceAsync(string name)
    {
        var runner = Runner(name);
        if (!runner.IsActive)
        {
            context.Notifications.Publish(name, s => s with { Restarts = s.StartedAt is null ? s.Restarts : s.Restarts + 1 });
            runner.Start();
        }
        return Task.CompletedTask;
    }

    public Task StopResourceAsync(string name) => Runner(name).StopAsync();

    public async Task RestartResourceAsync(string name)
    {
        await StopResourceAsync(name).ConfigureAwait(false);
        await StartResourceAsync(name).ConfigureAwait(false);
    }

    /// <summary>Stops dependents before what they depend on, so nothing logs connection errors on the way down.</summary>
    public async Task StopAllAsync()
    {
        foreach (var layer in StopLayers())
        {
            await Task.WhenAll(layer.Select(r => r.StopAsync())).ConfigureAwait(false);
        }
    }

    private IEnumerable<List<ResourceRunner>> StopLayers()
    {
        var remaining = new HashSet<IResource>(_runners.Values.Select(r => r.Resource));
        while (remaining.Count > 0)
        {
            // A layer: resources nothing remaining depends on.
            var layer = remaining.Where(r => !remaining.Any(o => o != r && DependsOn(o, r))).ToList();
            if (layer.Count == 0)
            {
                layer = [.. remaining];
            }
            remaining.ExceptWith(layer);
            yield return [.. layer.Select(r => _runners[r.Name])];
        }
    }

    internal static bool DependsOn(IResource dependent, IResource dependency, int depth = 0) =>
        depth < 16 && Dependencies(dependent).Any(d => d == dependency || DependsOn(d, dependency, depth + 1));

    private static IEnumerable<IResource> Dependencies(IResource r) =>
        r.Annotations.OfKind<WaitAnnotation>().Select(w => w.Resource)
            .Concat(r.Annotations.OfKind<ResourceRelationshipAnnotation>().Select(a => a.Resource))
            .Select(d => d is IResourceWithParent p ? p.Parent : d)
            .Where(d => d != r);

    private static ILocalLauncher? LauncherOf(IResource r) => r.Annotations.OfKind<LocalLaunchAnnotation>().LastOrDefault()?.Launcher;

    private static bool HasLauncherAbove(IResourceWithParent child) =>
        LauncherOf(child.Parent) is not null || (child.Parent is IResourceWithParent p && HasLauncherAbove(p));

    private ResourceRunner Runner(string name) =>
        _runners.TryGetValue(name, out var runner) ? runner : throw new ArgumentException($"Resource '{name}' has no process to start or stop.", nameof(name));

    private void AllocateEndpoints()
    {
        foreach (var r in context.Resources)
        {
            foreach (var e in r.Annotations.OfKind<EndpointAnnotation>())
            {
                var port = e.Port is { } fixedPort && !options.IsTesting ? fixedPort : PortAllocator.Allocate();
                // Projects get localhost (what a developer clicks); everything else is named by IP, because the
                // storage SDK reads Azurite's account from the path only for IP hosts on non-default ports.
                var host = r is ProjectResource ? "localhost" : "127.0.0.1";
                e.Allocated = new AllocatedEndpoint(e.Scheme, host, port);
                var replicas = r.Annotations.OfKind<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
                e.Replicas = [e.Allocated, .. Enumerable.Range(1, replicas - 1).Select(_ => e.Allocated with { Port = PortAllocator.Allocate() })];
            }
        }
    }
}

/// <summary>A launcher that can say, before anything starts, which program is missing and how to install it.</summary>
public interface IPrerequisiteCheck
{
    /// <summary>Null when everything is there; otherwise what to install.</summary>
    string? CheckPrerequisites(ContainerRuntimeMode runtime);
}
