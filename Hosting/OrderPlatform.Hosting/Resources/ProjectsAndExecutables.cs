using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting;

/// <summary>Projects, executables and containers.</summary>
public static class ProjectsAndExecutables
{
    /// <summary>
    /// Adds a .NET project by its generated metadata type. It gets an <c>http</c> endpoint and the Aspire environment
    /// conventions; locally it is started from its built output (the AppHost's ProjectReference builds it).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var project = new ProjectResource(name, new TProject());
        return builder.AddResource(project)
            .WithHttpEndpoint()
            .WithAnnotation(new LocalLaunchAnnotation(new ProjectLauncher()))
            .WithEnvironment(ctx =>
            {
                var env = ctx.EnvironmentVariables;
                env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
                if (ctx.ExecutionContext.IsPublishMode)
                {
                    env["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
                    env["HTTP_PORTS"] = new EndpointReference(project, "http").Property(EndpointProperty.TargetPort);
                    return;
                }
                env["ASPNETCORE_ENVIRONMENT"] = "Development";
                env["DOTNET_ENVIRONMENT"] = "Development";
                env["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
                env["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true";
                env["OTEL_SERVICE_NAME"] = name;
                env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
                env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
                env["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
                env["OTEL_TRACES_SAMPLER"] = "always_on";
                env["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
                // Telemetry goes to a collector only if one is configured; the dashboard has no OTLP receiver.
                if (Environment.GetEnvironmentVariable("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL") is { Length: > 0 } otlp)
                {
                    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
                    env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
                }
            });
    }

    /// <summary>Adds a local executable (never published: azd rejects executable.v0).</summary>
    public static IResourceBuilder<ExecutableResource> AddExecutable(this IDistributedApplicationBuilder builder, string name, string command, string workingDirectory, params string[] args)
    {
        var resource = new ExecutableResource(name, command, Path.GetFullPath(workingDirectory, builder.AppHostDirectory));
        return builder.AddResource(resource)
            .WithAnnotation(new LocalLaunchAnnotation(new ExecutableLauncher(resource)))
            .WithAnnotation(new ManifestExclusionAnnotation())
            .WithArgs(args);
    }

    /// <summary>Adds a container image; it runs only when a container engine answers.</summary>
    public static IResourceBuilder<ContainerResource> AddContainer(this IDistributedApplicationBuilder builder, string name, string image, string tag = "latest")
    {
        var (registry, repository) = SplitImage(image);
        return builder.AddResource(new ContainerResource(name))
            .WithAnnotation(new ContainerImageAnnotation(registry, repository, tag))
            .WithAnnotation(new LocalLaunchAnnotation(new ContainerOnlyLauncher()));
    }

    /// <summary>Mounts a named volume.</summary>
    public static IResourceBuilder<T> WithVolume<T>(this IResourceBuilder<T> builder, string name, string target, bool isReadOnly = false) where T : ContainerResource =>
        builder.WithAnnotation(new ContainerVolumeAnnotation(name, target, isReadOnly));

    private static (string Registry, string Image) SplitImage(string image)
    {
        var first = image.Split('/')[0];
        return first.Contains('.') || first.Contains(':') ? (first, image[(first.Length + 1)..]) : ("docker.io", image.Contains('/') ? image : "library/" + image);
    }

    private sealed class ProjectLauncher : ILocalLauncher
    {
        public Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken)
        {
            var project = (ProjectResource)context.Resource;
            var dll = project.Metadata.TargetPath;
            if (!File.Exists(dll))
            {
                throw new DistributedApplicationException(
                    $"'{project.Name}' is not built ({dll} is missing). Build it: dotnet build {project.Metadata.ProjectPath}");
            }
            var urls = project.Annotations.OfKind<EndpointAnnotation>()
                .Where(e => e.Scheme is "http" or "https" && e.Replicas.Count > context.Replica)
                .Select(e => $"{e.Scheme}://{e.Replicas[context.Replica].Host}:{e.Replicas[context.Replica].Port}");
            var env = new Dictionary<string, string>(context.Environment)
            {
                ["ASPNETCORE_URLS"] = string.Join(';', urls),
                ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={project.Name}-{context.Replica}",
            };
            var dotnet = ToolProcess.DotnetHost();
            return Task.FromResult(new LaunchSpec(dotnet, [dll, .. context.Args])
            {
                WorkingDirectory = Path.GetDirectoryName(project.Metadata.ProjectPath),
                Environment = env,
            });
        }
    }

    private sealed class ExecutableLauncher(ExecutableResource resource) : ILocalLauncher
    {
        public Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new LaunchSpec(BinaryLocator.Find(resource.Command) ?? resource.Command, context.Args)
            {
                WorkingDirectory = resource.WorkingDirectory,
                Environment = context.Environment,
            });
    }

    private sealed class ContainerOnlyLauncher : ILocalLauncher, IPrerequisiteCheck
    {
        public string? CheckPrerequisites(ContainerRuntimeMode runtime) => runtime == ContainerRuntimeMode.Containers ? null
            : "a container engine (docker or podman) for container resources; none answered on this machine";

        public Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken) =>
            Task.FromResult(ContainerLaunch.Spec(context, context.Environment, context.Args));
    }
}
