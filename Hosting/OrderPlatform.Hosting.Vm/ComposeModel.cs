using System.Globalization;
using System.Xml.Linq;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Temporal;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Vm;

/// <summary>
/// The compose services of the publish-mode model: containers as they are, projects as the images
/// <c>dotnet publish /t:PublishContainer</c> builds, Temporal as the auto-setup image with a web UI next to it, Azure
/// services as <see cref="AzureOnVm"/> says. Nothing publishes a port (nginx is the only way in).
/// </summary>
internal sealed class ComposeModel(VmBundleOptions options, AzureOnVm azure, DistributedApplicationExecutionContext executionContext, ILogger logger)
{
    private readonly List<(ComposeService Service, List<(IResource Resource, string Condition)> Waits)> _services = [];

    public ComposeValues Values { get; } = new();

    /// <summary>Builds the services in model order, each after what it waits for only by <c>depends_on</c>.</summary>
    public async Task<List<ComposeService>> BuildAsync(IReadOnlyList<IResource> model, CancellationToken ct)
    {
        // Explicitly started resources (the taskworker image) are no long-running service: compose would restart them forever.
        foreach (var resource in model.Where(r => !r.IsExcludedFromPublish() && !r.Annotations.OfType<ExplicitStartupAnnotation>().Any()))
        {
            await AddAsync(resource, ct).ConfigureAwait(false);
        }
        var names = _services.Select(s => s.Service.Name).ToHashSet(StringComparer.Ordinal);
        return [.. _services.Select(s => s.Service with
        {
            DependsOn = [.. s.Waits
                .Select(w => new KeyValuePair<string, string>(ServiceOf(w.Resource), w.Condition))
                .Where(d => names.Contains(d.Key) && d.Key != s.Service.Name)
                .DistinctBy(d => d.Key)],
        })];
    }

    private async Task AddAsync(IResource resource, CancellationToken ct)
    {
        switch (resource)
        {
            case var _ when AzureOnVm.Handles(resource):
                if (azure.Service(resource) is { } mapped)
                {
                    _services.Add((mapped, []));
                }
                break;
            case TemporalServerResource temporal:
                await AddTemporalAsync(temporal, ct).ConfigureAwait(false);
                break;
            case ExecutableResource:
                throw new DistributedApplicationException($"Resource '{resource.Name}' is an executable; the VM bundle runs containers only. Call ExcludeFromManifest() on it.");
            case ProjectResource project:
                _services.Add(await ContainerizedAsync(project, ProjectImage(project), ct).ConfigureAwait(false));
                break;
            case ContainerResource container:
                var image = container.TryGetContainerImageName(out var name) ? name : throw new DistributedApplicationException($"Container '{container.Name}' has no image.");
                _services.Add(await ContainerizedAsync(container, image, ct).ConfigureAwait(false));
                break;
            default:
                break; // Parameters, databases and connection strings are values, not services.
        }
    }

    private async Task AddTemporalAsync(TemporalServerResource temporal, CancellationToken ct)
    {
        var (service, waits) = await ContainerizedAsync(temporal, $"docker.io/temporalio/auto-setup:{TemporalBuilderExtensions.AutoSetupTag}", ct).ConfigureAwait(false);
        var env = new Dictionary<string, string>(service.Environment, StringComparer.Ordinal);
        // auto-setup registers one namespace at start: the one the workers use, not 'default'.
        if (temporal.Namespaces.Count > 0 && env.TryAdd("DEFAULT_NAMESPACE", ComposeValues.Escape(temporal.Namespaces[0])) && temporal.Namespaces.Count > 1)
        {
            logger.LogWarning("Temporal '{Name}': auto-setup creates only the namespace '{Namespace}'; register the others yourself.", temporal.Name, temporal.Namespaces[0]);
        }
        _services.Add((service with { Environment = env }, waits));
        var grpc = ComposeValues.TargetPort(temporal, temporal.GrpcEndpoint.EndpointAnnotation);
        _services.Add((new ComposeService($"{service.Name}-ui", options.TemporalUiImage)
        {
            Environment = new Dictionary<string, string>
            {
                ["TEMPORAL_ADDRESS"] = $"{service.Name}:{grpc.ToString(CultureInfo.InvariantCulture)}",
                ["TEMPORAL_UI_PUBLIC_PATH"] = "/temporal",
            },
            HealthCheck = ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/temporal/ || exit 1"],
        }, [(temporal, "service_healthy")]));
    }

    private async Task<(ComposeService, List<(IResource, string)>)> ContainerizedAsync(IResource resource, string image, CancellationToken ct)
    {
        var env = await EnvironmentAsync(resource, ct).ConfigureAwait(false);
        var command = new List<string>();
        foreach (var arg in await ArgumentsAsync(resource, ct).ConfigureAwait(false))
        {
            command.Add(await Values.ResolveAsync(arg, ct).ConfigureAwait(false));
        }
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in env)
        {
            environment[key] = await Values.ResolveAsync(value, ct).ConfigureAwait(false);
        }
        var waits = resource.Annotations.OfType<WaitAnnotation>()
            .Select(w => (w.Resource, w.WaitType == WaitType.WaitForCompletion ? "service_completed_successfully" : "service_healthy"))
            // A backing container (Temporal on Postgres) cannot work before what its environment points at; projects
            // keep the AppHost's explicit WaitFor only, since their references may go both ways.
            .Concat(resource is ProjectResource ? [] : env.Values.SelectMany(v => Referenced(v, 0)).Select(r => (r, "service_healthy")))
            .ToList();
        return (new ComposeService(ComposeValues.ServiceName(resource), image)
        {
            Entrypoint = (resource as ContainerResource)?.Entrypoint,
            Command = command,
            Environment = environment,
            Volumes = Volumes(resource),
            HealthCheck = HealthCheck(resource),
        }, waits);
    }

    private async Task<Dictionary<string, object>> EnvironmentAsync(IResource resource, CancellationToken ct)
    {
        var env = new Dictionary<string, object>(StringComparer.Ordinal);
        var context = new EnvironmentCallbackContext(executionContext, resource, env, ct);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context).ConfigureAwait(false);
        }
        // Project images serve plain http on one port: an https address of a project (service discovery) would not
        // answer, and HTTPS_PORTS would bind the port HTTP_PORTS already has.
        foreach (var key in env.Where(kv => IsProjectHttps(kv.Value)).Select(kv => kv.Key).ToList())
        {
            env.Remove(key);
        }
        return env;
    }

    private static bool IsProjectHttps(object value) => value switch
    {
        EndpointReference { Resource: ProjectResource } e => e.EndpointAnnotation.UriScheme == "https",
        EndpointReferenceExpression e => IsProjectHttps(e.Endpoint),
        ReferenceExpression { IsConditional: false, ValueProviders.Count: > 0 } e => e.ValueProviders.All(IsProjectHttps),
        _ => false,
    };

    private async Task<List<object>> ArgumentsAsync(IResource resource, CancellationToken ct)
    {
        var args = new List<object>();
        var context = new CommandLineArgsCallbackContext(args, resource, ct) { ExecutionContext = executionContext };
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context).ConfigureAwait(false);
        }
        return args;
    }

    private static List<string> Volumes(IResource resource) => resource.TryGetContainerMounts(out var mounts)
        ? [.. mounts.Select(m => m.Type == ContainerMountType.BindMount
            ? throw new DistributedApplicationException($"'{resource.Name}' bind-mounts '{m.Source}', a path of the machine that publishes, not of the VM; use a named volume.")
            : $"{(m.Source is null ? "" : m.Source + ":")}{m.Target}{(m.IsReadOnly ? ":ro" : "")}")]
        : DefaultVolume(resource);

    // The VM keeps its data on named volumes (on the data disk of infra/vm): a database without a volume of its own
    // gets one at the image's data folder, under a name that does not depend on the machine that publishes.
    private static List<string> DefaultVolume(IResource resource) => resource switch
    {
        PostgresServerResource => [$"orderplatform-{ComposeValues.ServiceName(resource)}-data:/var/lib/postgresql"],
        RedisResource => [$"orderplatform-{ComposeValues.ServiceName(resource)}-data:/data"],
        _ => [],
    };

    private static IEnumerable<IResource> Referenced(object value, int depth) => depth > 16 ? [] : value switch
    {
        EndpointReferenceExpression e => [e.Endpoint.Resource],
        EndpointReference e => [e.Resource],
        ConnectionStringReference c => [c.Resource],
        ParameterResource => [],
        IResourceWithConnectionString r => [r],
        ReferenceExpression e => e.ValueProviders.SelectMany(v => Referenced(v, depth + 1)),
        _ => [],
    };

    /// <summary>The service that runs a resource (a database waits on its server); a name no service has for values.</summary>
    private string ServiceOf(IResource resource) => resource switch
    {
        _ when AzureOnVm.Handles(resource) => AzureOnVm.ServiceName(resource) ?? "",
        IResourceWithParent child => ServiceOf(child.Parent),
        _ => ComposeValues.ServiceName(resource),
    };

    private static IReadOnlyList<string> HealthCheck(IResource resource) => resource switch
    {
        _ when resource.TryGetLastAnnotation<VmHealthCheckAnnotation>(out var a) => a.Test,
        // SDK images have bash but neither curl nor wget; /health is mapped in Development only.
        ProjectResource => ["CMD", "bash", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{FirstPort(resource) ?? VmBundleOptions.ProjectPort}"],
        PostgresServerResource => ["CMD-SHELL", "pg_isready -U \"$POSTGRES_USER\" -h 127.0.0.1"],
        RedisResource => ["CMD-SHELL", "redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG"],
        TemporalServerResource t => ["CMD-SHELL", $"temporal operator cluster health --address $(hostname -i):{FirstPort(t)}"],
        _ when FirstPort(resource) is { } port => ["CMD-SHELL", $"nc -z 127.0.0.1 {port} || bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}'"],
        _ => ["CMD-SHELL", "test -e /proc/1/status"],
    };

    private static int? FirstPort(IResource resource) =>
        resource.TryGetEndpoints(out var endpoints) && endpoints.FirstOrDefault() is { } e ? ComposeValues.TargetPort(resource, e) : null;

    /// <summary><c>${REGISTRY:-localhost}/&lt;ContainerRepository&gt;:${TAG:-latest}</c>, the repository read from the project file.</summary>
    internal static string ProjectImage(ProjectResource project)
    {
        var path = project.GetProjectMetadata().ProjectPath;
        var repository = File.Exists(path)
            ? XDocument.Load(path).Descendants("ContainerRepository").Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0)
            : null;
        repository ??= Path.GetFileNameWithoutExtension(path).ToLowerInvariant().Replace('.', '-');
        return $"${{REGISTRY:-localhost}}/{repository}:${{TAG:-latest}}";
    }
}
