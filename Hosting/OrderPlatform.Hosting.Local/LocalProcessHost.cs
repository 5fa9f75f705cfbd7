using System.Runtime.CompilerServices;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>
/// One per app: decides before start whether container resources run as local processes, switches them over (no
/// image, so DCP leaves them alone; endpoints pinned proxy-less to a free port), runs them, and stops them when the
/// app stops. Publish mode is never touched.
/// </summary>
internal sealed class LocalProcessHost : IHostedService, IAsyncDisposable
{
    private static readonly ConditionalWeakTable<IDistributedApplicationBuilder, LocalProcessHost> Hosts = [];
    private readonly IDistributedApplicationBuilder _builder;
    private readonly LocalProcessOptions _options;
    private readonly string? _dcpPath;
    private readonly List<LocalProcessRun> _runs = [];
    private Task<(bool Running, string Detail)>? _probe;
    private Task? _stopped;

    private LocalProcessHost(IDistributedApplicationBuilder builder)
    {
        _builder = builder;
        _options = LocalProcessOptions.From(builder.Configuration, builder.AppHostDirectory);
        _dcpPath = ContainerRuntimeProbe.FindDcp(builder.Configuration, builder.AppHostAssembly);
    }

    public LocalProcessOptions Options => _options;

    /// <summary>The app's host, created (and subscribed) on first use.</summary>
    public static LocalProcessHost For(IDistributedApplicationBuilder builder) => Hosts.GetValue(builder, b =>
    {
        var host = new LocalProcessHost(b);
        if (b.ExecutionContext.IsRunMode)
        {
            // dcp info takes 0.1–0.4 s: asked while the rest of the model is built, not on the start path.
            if (host._options.Runtime == LocalRuntime.Auto)
            {
                host._probe = Task.Run(() => ContainerRuntimeProbe.IsRunningAsync(host._dcpPath, CancellationToken.None));
            }
            b.Eventing.Subscribe<BeforeStartEvent>((e, ct) => host.OnBeforeStartAsync(e, ct));
            // Registered through a factory so that the container disposes it: a test app's DisposeAsync disposes the
            // host without stopping its hosted services.
            b.Services.AddSingleton(_ => host);
            // First of the hosted services, so the last to be stopped.
            b.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<LocalProcessHost>()));
        }
        return host;
    });

    /// <summary>Starts <paramref name="resource"/> if it was switched to a local process (called from its initialize event).</summary>
    public async Task RunIfLocalAsync(IResource resource, InitializeResourceEvent e, CancellationToken cancellationToken)
    {
        if (!resource.Annotations.OfType<RunsAsLocalProcessAnnotation>().Any())
        {
            return;
        }
        var launcher = resource.Annotations.OfType<LocalProcessAnnotation>().Last().Launcher;
        var context = new LocalProcessContext(resource, Path.Combine(_options.DataDirectory, resource.Name), _options.ToolsDirectory,
            _options.Ephemeral, e.Logger);
        var run = new LocalProcessRun(resource, launcher, context, e, _dcpPath);
        lock (_runs)
        {
            if (_stopped is not null)
            {
                return;
            }
            _runs.Add(run);
        }
        await run.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task OnBeforeStartAsync(BeforeStartEvent e, CancellationToken cancellationToken)
    {
        var all = e.Model.Resources.Where(r => r.Annotations.OfType<LocalProcessAnnotation>().Any()).ToList();
        if (all.Count == 0)
        {
            return;
        }
        var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Aspire.Hosting.LocalProcesses");
        var always = all.Where(r => r.Annotations.OfType<LocalProcessAnnotation>().Last().Always).ToList();
        var (local, why) = all.Count == always.Count ? (false, "") : _options.Runtime switch
        {
            LocalRuntime.Local => (true, "LocalProcesses:Runtime is local"),
            LocalRuntime.Containers => (false, "LocalProcesses:Runtime is containers"),
            _ => await ProbeAsync(cancellationToken).ConfigureAwait(false),
        };
        if (!local && why.Length > 0)
        {
            logger.LogInformation("Containers for {Resources}: {Why}.", string.Join(", ", all.Except(always).Select(r => r.Name)), why);
        }
        var candidates = local ? all : always;
        if (candidates.Count == 0)
        {
            return;
        }
        why = local ? why : "they have no container form";
        var missing = candidates.Select(r => (r.Name, Missing: r.Annotations.OfType<LocalProcessAnnotation>().Last().Launcher.MissingPrerequisite()))
            .Where(m => m.Missing is not null).ToList();
        if (missing.Count > 0)
        {
            throw new DistributedApplicationException(
                $"{why}, so these resources run as local programs, which are not installed:{Environment.NewLine}"
                + string.Join(Environment.NewLine, missing.Select(m => $"  {m.Name}: {m.Missing}")));
        }
        logger.LogInformation("Local processes for {Resources} ({Why}); data in {Data}.",
            string.Join(", ", candidates.Select(r => r.Name)), why, _options.Ephemeral ? "a throwaway folder" : _options.DataDirectory);
        Directory.CreateDirectory(_options.DataDirectory);
        foreach (var resource in candidates)
        {
            SwitchToLocalProcess(resource);
        }
        var services = e.Services;
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            var clients = DcpProcessIds(e.Model, services.GetRequiredService<ResourceNotificationService>());
            logger.LogDebug("Local processes stop once these DCP-run processes have exited: {Pids}", string.Join(' ', clients));
            lock (_runs)
            {
                _stopped ??= StopOnceClientsExitAsync(clients);
            }
        });
    }

    // The processes DCP runs (projects, executables) that may hold connections to the local processes.
    private static List<int> DcpProcessIds(DistributedApplicationModel model, ResourceNotificationService notifications) =>
        [.. model.Resources.Where(r => r is ProjectResource or ExecutableResource)
            .Select(r => notifications.TryGetCurrentState(r.Name, out var state)
                ? state.Snapshot.Properties.FirstOrDefault(p => p.Name == LocalProcessRun.PidProperty)?.Value : null)
            .Select(v => int.TryParse(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture), out var pid) ? pid : 0)
            .Where(pid => pid > 0)];

    /// <summary>
    /// Stops the local processes once the processes DCP runs have exited (10 s at most), so a project draining its work
    /// still has its database. This host's StopAsync is called at the signal, alongside DCP's stop of the projects, not
    /// after it: stopped there, Postgres and Redis went ~0.8 s before the projects that use them (bench/startup).
    /// </summary>
    private async Task StopOnceClientsExitAsync(List<int> clients)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (clients.Any(ChildProcess.IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
        await StopAllAsync().ConfigureAwait(false);
    }

    private async Task<(bool Local, string Why)> ProbeAsync(CancellationToken cancellationToken)
    {
        var (running, detail) = await (_probe ?? ContainerRuntimeProbe.IsRunningAsync(_dcpPath, cancellationToken)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (!running, detail);
    }

    private static void SwitchToLocalProcess(IResource resource)
    {
        foreach (var image in resource.Annotations.OfType<ContainerImageAnnotation>().ToList())
        {
            resource.Annotations.Remove(image);
        }
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            // Proxy-less and pinned before DCP prepares its services, so DCP neither proxies nor re-allocates it.
            Pin(endpoint, endpoint.Port ?? PortPicker.Pick());
        }
        resource.Annotations.Add(new RunsAsLocalProcessAnnotation());
    }

    /// <summary>Pins an endpoint proxy-less to <paramref name="port"/> on loopback.</summary>
    internal static void Pin(EndpointAnnotation endpoint, int port)
    {
        endpoint.IsProxied = false;
        endpoint.Port = port;
        endpoint.TargetPort = port;
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
    }

    // StopAsync waits for the stop begun at ApplicationStopping (a test app disposed unstarted begins it here).
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync() => await Stop().ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => Stop();

    private Task Stop()
    {
        lock (_runs)
        {
            return _stopped ??= StopAllAsync();
        }
    }

    private async Task StopAllAsync()
    {
        LocalProcessRun[] runs;
        lock (_runs)
        {
            runs = [.. _runs];
        }
        await Task.WhenAll(runs.Select(r => r.StopAsync(TimeSpan.FromSeconds(3)))).ConfigureAwait(false);
        if (_options.Ephemeral && Directory.Exists(_options.DataDirectory))
        {
            try
            {
                Directory.Delete(_options.DataDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: a throwaway folder left in the temp folder harms nothing.
            }
        }
    }
}
