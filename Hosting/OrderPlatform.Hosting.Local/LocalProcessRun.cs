using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>
/// The lifecycle of one local process, told to Aspire the way DCP tells it for its own resources: Waiting (its
/// WaitFor dependencies) → Starting → Running (health checks start; connection strings announced, children too) →
/// Exited with the exit code, or FailedToStart with the reason in the resource log.
/// </summary>
internal sealed class LocalProcessRun(IResource resource, ILocalProcessLauncher launcher, LocalProcessContext context,
    InitializeResourceEvent init, string? dcpPath)
{
    /// <summary>The snapshot property holding a process's pid, as DCP names it for its executables.</summary>
    internal const string PidProperty = "executable.pid";

    private readonly CancellationTokenSource _stopping = new();
    private ChildProcess? _process;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var ct = linked.Token;
        var notifications = init.Notifications;
        try
        {
            await notifications.PublishUpdateAsync(resource, s => s with { ResourceType = "Executable", State = KnownResourceStates.Waiting }).ConfigureAwait(false);
            await init.Eventing.PublishAsync(new BeforeResourceStartedEvent(resource, init.Services), ct).ConfigureAwait(false);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Starting }).ConfigureAwait(false);
            Directory.CreateDirectory(context.DataDirectory);
            var (spec, process) = await StartListeningAsync(ct).ConfigureAwait(false);
            await PublishRunningAsync(spec, process.Id).ConfigureAwait(false);
            var exitCode = await process.Exited.ConfigureAwait(false);
            if (!_stopping.IsCancellationRequested)
            {
                context.Logger.LogError("{Name} exited unexpectedly with code {Code}.", resource.Name, exitCode);
            }
            await PublishStoppedAsync(KnownResourceStates.Exited, exitCode).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await PublishStoppedAsync(KnownResourceStates.Exited, null).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            context.Logger.LogError("Failed to start {Name}: {Message}", resource.Name, e.Message);
            await PublishStoppedAsync(KnownResourceStates.FailedToStart, null).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts the process and waits until its ports accept connections. A process that exits first while one of its
    /// ports is held by someone else lost a race for that port (another app on the machine took it after it was
    /// picked): it is started again on new ports, twice at most. Any other early exit is reported as it is.
    /// </summary>
    private async Task<(LocalProcessSpec, ChildProcess)> StartListeningAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var spec = await launcher.PrepareAsync(context, ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            var process = _process = ChildProcess.Start(spec, context.DataDirectory, OnLine, dcpPath);
            var endpoints = resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.AllocatedEndpoint is not null).ToList();
            if (await ListeningAsync(process, endpoints.Select(e => e.AllocatedEndpoint!.Port), ct).ConfigureAwait(false))
            {
                return (spec, process);
            }
            var taken = endpoints.Where(e => !PortPicker.IsFree(e.AllocatedEndpoint!.Port)).ToList();
            if (taken.Count == 0 || attempt == 3)
            {
                return (spec, process);
            }
            foreach (var endpoint in taken)
            {
                var port = PortPicker.Pick();
                context.Logger.LogWarning("Port {Old} was taken by another program before {Name} bound it; starting again on {New}.",
                    endpoint.AllocatedEndpoint!.Port, resource.Name, port);
                LocalProcessHost.Pin(endpoint, port);
            }
        }
    }

    private static async Task<bool> ListeningAsync(ChildProcess process, IEnumerable<int> ports, CancellationToken ct)
    {
        var pending = ports.ToHashSet();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            if (process.Exited.IsCompleted)
            {
                return false;
            }
            foreach (var port in pending.ToList())
            {
                using var client = new System.Net.Sockets.TcpClient();
                try
                {
                    await client.ConnectAsync(System.Net.IPAddress.Loopback, port, ct).ConfigureAwait(false);
                    pending.Remove(port);
                }
                catch (System.Net.Sockets.SocketException)
                {
                }
            }
            if (pending.Count > 0)
            {
                await Task.WhenAny(process.Exited, Task.Delay(100, ct)).ConfigureAwait(false);
            }
        }
        // Past the deadline the health checks decide; an exit is seen by the caller's wait on Exited.
        return !process.Exited.IsCompleted || pending.Count == 0;
    }

    public async Task StopAsync(TimeSpan grace)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_process is { } process)
        {
            await process.StopAsync(grace).ConfigureAwait(false);
        }
    }

    private void OnLine(string line, bool isError) => context.Logger.Log(isError ? LogLevel.Error : LogLevel.Information, "{Line}", line);

    private async Task PublishRunningAsync(LocalProcessSpec spec, int pid)
    {
        var urls = resource.Annotations.OfType<EndpointAnnotation>()
            .Where(e => e.AllocatedEndpoint is not null)
            .Select(e => new UrlSnapshot(e.Name, $"{e.UriScheme}://localhost:{e.AllocatedEndpoint!.Port}", IsInternal: false))
            .ToImmutableArray();
        await init.Notifications.PublishUpdateAsync(resource, s => s with
        {
            State = KnownResourceStates.Running,
            StartTimeStamp = DateTime.UtcNow,
            Urls = urls,
            Properties = With(s.Properties, new()
            {
                // setpriv (postgres as the postgres user) shows the program it runs, as ps would after its exec.
                ["executable.path"] = spec.Args.SkipWhile(a => a != "--").Skip(1).FirstOrDefault() is { } ran && Path.GetFileName(spec.FileName) == "setpriv" ? ran : spec.FileName,
                ["executable.args"] = string.Join(' ', spec.Args),
                [PidProperty] = pid.ToString(CultureInfo.InvariantCulture),
                ["executable.workDir"] = context.DataDirectory,
            }),
        }).ConfigureAwait(false);
        foreach (var child in Children())
        {
            await init.Notifications.PublishUpdateAsync(child, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow }).ConfigureAwait(false);
        }
        // As DCP does once a container runs: dependents' connection strings resolve from here on, and Aspire's own
        // health checks (which capture the connection string in this event) can run.
        foreach (var withConnectionString in new[] { resource }.Concat(Children()).OfType<IResourceWithConnectionString>())
        {
            await init.Eventing.PublishAsync(new ConnectionStringAvailableEvent(withConnectionString, init.Services)).ConfigureAwait(false);
        }
    }

    private static ImmutableArray<ResourcePropertySnapshot> With(ImmutableArray<ResourcePropertySnapshot> properties, Dictionary<string, string> values) =>
        [.. properties.Where(p => !values.ContainsKey(p.Name)), .. values.Select(v => new ResourcePropertySnapshot(v.Key, v.Value))];

    private async Task PublishStoppedAsync(string state, int? exitCode)
    {
        foreach (var r in new[] { resource }.Concat(Children()))
        {
            await init.Notifications.PublishUpdateAsync(r, s => s with { State = state, ExitCode = exitCode ?? s.ExitCode, StopTimeStamp = DateTime.UtcNow }).ConfigureAwait(false);
        }
    }

    private IEnumerable<IResource> Children()
    {
        var model = (DistributedApplicationModel?)init.Services.GetService(typeof(DistributedApplicationModel));
        return model?.Resources.OfType<IResourceWithParent>().Where(c => c.Parent == resource).Cast<IResource>() ?? [];
    }
}
