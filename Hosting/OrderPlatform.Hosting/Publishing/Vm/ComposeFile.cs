using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml.Linq;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting.Publishing.Vm;

/// <summary>One compose service.</summary>
internal sealed record ComposeService(string Name, string Image)
{
    public string? Entrypoint { get; init; }

    public IReadOnlyList<string> Command { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Volumes { get; init; } = [];

    public IReadOnlyList<string> Ports { get; init; } = [];

    public required IReadOnlyList<string> HealthCheck { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];
}

/// <summary>
/// Builds the compose services from the publish-mode model: containers as they are, projects as the images
/// <c>dotnet publish /t:PublishContainer</c> builds, Azure Storage as Azurite; nothing publishes a port (nginx is
/// the only way in, added by <see cref="VmPublisher"/>).
/// </summary>
internal static class ComposeFile
{
    public const string AzuriteImage = "mcr.microsoft.com/azure-storage/azurite:" + AzureStorageExtensions.AzuriteVersion;

    public static async Task<List<ComposeService>> BuildServicesAsync(IReadOnlyList<IResource> model, DistributedApplicationExecutionContext context)
    {
        var values = new ComposeValues(model);
        var services = new List<ComposeService>();
        foreach (var resource in model.Where(r => !r.Annotations.OfKind<ManifestExclusionAnnotation>().Any()))
        {
            switch (resource)
            {
                case ExecutableResource:
                    throw new DistributedApplicationException($"Resource '{resource.Name}' is an executable; the VM bundle runs containers only. Call ExcludeFromManifest() on it.");
                case ProjectResource project:
                    services.Add(await ContainerizedAsync(project, ProjectImage(project), values, context).ConfigureAwait(false) with
                    {
                        // SDK images have bash but neither curl nor wget; /health is mapped in Development only.
                        HealthCheck = ["CMD", "bash", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{ComposeValues.ProjectPort}"],
                    });
                    break;
                case ContainerResource container:
                    var image = container.Annotations.OfKind<ContainerImageAnnotation>().LastOrDefault()?.FullName
                        ?? throw new DistributedApplicationException($"Container '{container.Name}' has no image.");
                    services.Add(await ContainerizedAsync(container, image, values, context).ConfigureAwait(false));
                    break;
                case AzureStorageResource storage:
                    services.Add(Azurite(storage));
                    break;
                default:
                    break; // Parameters, databases and connection-string resources are values, not services.
            }
        }
        return services;
    }

    private static async Task<ComposeService> ContainerizedAsync(IResource resource, string image, ComposeValues values, DistributedApplicationExecutionContext context)
    {
        var env = await ValueResolver.EvaluateEnvironmentAsync(resource, context).ConfigureAwait(false);
        var args = await ValueResolver.EvaluateArgsAsync(resource, context).ConfigureAwait(false);
        return new ComposeService(resource.Name, image)
        {
            Entrypoint = resource.Annotations.OfKind<ContainerEntrypointAnnotation>().LastOrDefault()?.Entrypoint,
            Command = [.. args.Select(values.Resolve)],
            Environment = env.ToDictionary(kv => kv.Key, kv => values.Resolve(kv.Value), StringComparer.Ordinal),
            Volumes = [.. resource.Annotations.OfKind<ContainerVolumeAnnotation>().Select(v => $"{v.Name}:{v.Target}{(v.ReadOnly ? ":ro" : "")}")],
            HealthCheck = HealthCheck(resource),
            DependsOn = [.. resource.Annotations.OfKind<WaitAnnotation>().Select(w => w.Resource)
                // A backing container (Temporal on Postgres) cannot work before what its environment points at; projects
                // keep the AppHost's explicit WaitFor only, since their references may go both ways.
                .Concat(resource is ProjectResource ? [] : env.Values.SelectMany(v => Referenced(v, 0)))
                .Select(ServiceOf).OfType<string>().Where(s => s != resource.Name).Distinct()],
        };
    }

    private static IEnumerable<IResource> Referenced(object value, int depth) => depth > 8 ? [] : value switch
    {
        EndpointReferenceExpression e => [e.Endpoint.Resource],
        EndpointReference e => [e.Resource],
        ConnectionStringReference c => [c.Resource],
        ReferenceExpression e => e.ValueProviders.SelectMany(v => Referenced(v, depth + 1)),
        IResourceWithConnectionString r => [r],
        _ => [],
    };

    private static ComposeService Azurite(AzureStorageResource storage) => new(storage.Name, AzuriteImage)
    {
        Command = ["azurite", "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0", "--location", "/data", "--skipApiVersionCheck"],
        // A named account with its own key: the well-known development key must not guard production data.
        Environment = new Dictionary<string, string> { ["AZURITE_ACCOUNTS"] = $"{ComposeValues.StorageAccount}:${{{ComposeValues.StorageKeyVariable}}}" },
        Volumes = [$"orderplatform-{storage.Name}-data:/data"],
        HealthCheck = ["CMD", "node", "-e", "require('net').connect(10000,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"],
    };

    private static IReadOnlyList<string> HealthCheck(IResource resource) => resource switch
    {
        _ when resource.Annotations.OfKind<ComposeHealthCheckAnnotation>().LastOrDefault() is { } a => a.Test,
        PostgresServerResource => ["CMD-SHELL", $"pg_isready -U {PostgresServerResource.UserName} -h 127.0.0.1"],
        RedisResource => ["CMD-SHELL", "redis-cli -a \"$$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG"],
        _ when resource.Annotations.OfKind<EndpointAnnotation>().FirstOrDefault() is { } e =>
            ["CMD-SHELL", $"nc -z 127.0.0.1 {ComposeValues.TargetPort(resource, e)} || bash -c 'exec 3<>/dev/tcp/127.0.0.1/{ComposeValues.TargetPort(resource, e)}'"],
        _ => ["CMD-SHELL", "test -e /proc/1/status"],
    };

    /// <summary>The service that runs a resource (a database waits on its server).</summary>
    internal static string? ServiceOf(IResource resource) => resource switch
    {
        IResourceWithParent child => ServiceOf(child.Parent),
        AzureCosmosDBResource or AzureKeyVaultResource or ParameterResource or ConnectionStringParameterResource => null,
        _ => resource.Name,
    };

    /// <summary><c>${REGISTRY}/&lt;ContainerRepository&gt;:${TAG}</c>, the repository read from the project file.</summary>
    internal static string ProjectImage(ProjectResource project)
    {
        var repository = File.Exists(project.Metadata.ProjectPath)
            ? XDocument.Load(project.Metadata.ProjectPath).Descendants("ContainerRepository").Select(e => e.Value.Trim()).FirstOrDefault()
            : null;
        repository ??= Path.GetFileNameWithoutExtension(project.Metadata.ProjectPath).ToLowerInvariant().Replace('.', '-');
        return $"${{REGISTRY:-localhost}}/{repository}:${{TAG:-latest}}";
    }

    public static string ToYaml(IEnumerable<ComposeService> services)
    {
        var list = services.ToList();
        var sb = new StringBuilder();
        sb.Append("# Generated by the OrderPlatform AppHost (--publisher vm). Run by orderplatform.service.\n");
        sb.Append("name: orderplatform\nservices:\n");
        foreach (var s in list)
        {
            sb.Append($"  {s.Name}:\n    image: {Q(s.Image)}\n    restart: unless-stopped\n");
            if (s.Entrypoint is not null)
            {
                sb.Append($"    entrypoint: [{Q(s.Entrypoint)}]\n");
            }
            AppendList(sb, "command", s.Command);
            if (s.Environment.Count > 0)
            {
                sb.Append("    environment:\n");
                foreach (var (k, v) in s.Environment)
                {
                    sb.Append($"      {k}: {Q(v)}\n");
                }
            }
            AppendList(sb, "ports", s.Ports);
            AppendList(sb, "volumes", s.Volumes);
            sb.Append($"    healthcheck:\n      test: [{string.Join(", ", s.HealthCheck.Select(Q))}]\n");
            sb.Append("      interval: 10s\n      timeout: 5s\n      retries: 6\n      start_period: 30s\n");
            if (s.DependsOn.Count > 0)
            {
                sb.Append("    depends_on:\n");
                foreach (var d in s.DependsOn)
                {
                    sb.Append($"      {d}:\n        condition: service_healthy\n");
                }
            }
            sb.Append("    logging:\n      driver: json-file\n      options:\n        max-size: \"10m\"\n        max-file: \"5\"\n");
        }
        var volumes = list.SelectMany(s => s.Volumes).Select(v => v.Split(':')[0]).Where(v => !v.StartsWith('/') && !v.StartsWith('.')).Distinct().ToList();
        if (volumes.Count > 0)
        {
            sb.Append("volumes:\n");
            foreach (var v in volumes)
            {
                sb.Append($"  {v}: {{}}\n");
            }
        }
        return sb.ToString();
    }

    private static void AppendList(StringBuilder sb, string key, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }
        sb.Append($"    {key}:\n");
        foreach (var item in items)
        {
            sb.Append($"      - {Q(item)}\n");
        }
    }

    // A JSON string is a valid YAML double-quoted scalar.
    private static string Q(string value) => JsonSerializer.Serialize(value, QuoteOptions);

    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
