namespace OrderPlatform.Hosting.ApplicationModel;

/// <summary>A network endpoint. At run time there is no proxy: the allocated port is the port the process listens on.</summary>
public sealed class EndpointAnnotation(string name, string scheme = "http", string transport = "http", int? targetPort = null, int? port = null, bool isExternal = false) : IResourceAnnotation
{
    /// <summary>Endpoint name (<c>http</c>, <c>https</c>, <c>tcp</c>, <c>grpc</c>, ...).</summary>
    public string Name { get; } = name;

    /// <summary>URI scheme.</summary>
    public string Scheme { get; } = scheme;

    /// <summary><c>tcp</c> or <c>udp</c>.</summary>
    public string Protocol { get; init; } = "tcp";

    /// <summary><c>http</c>, <c>http2</c> or <c>tcp</c>.</summary>
    public string Transport { get; } = transport;

    /// <summary>Port the process listens on; null lets the orchestrator (run) or image (publish) choose.</summary>
    public int? TargetPort { get; set; } = targetPort;

    /// <summary>Fixed port others use; null allocates a free one at run time.</summary>
    public int? Port { get; set; } = port;

    /// <summary>Reachable from outside the environment when published.</summary>
    public bool IsExternal { get; set; } = isExternal;

    /// <summary>Set by the orchestrator when the endpoint has a real port.</summary>
    public AllocatedEndpoint? Allocated { get; set; }

    /// <summary>
    /// One port per replica (index 0 is <see cref="Allocated"/>). There is no proxy in front of replicas: each listens
    /// on its own port and references list every replica, which service discovery round-robins.
    /// </summary>
    public IReadOnlyList<AllocatedEndpoint> Replicas { get; set; } = [];
}

/// <summary>A real host and port handed out at run time.</summary>
public sealed record AllocatedEndpoint(string Scheme, string Host, int Port)
{
    /// <summary><c>scheme://host:port</c>.</summary>
    public string Url => $"{Scheme}://{Host}:{Port}";
}

/// <summary>Adds environment variables; values are strings or late-bound values (resolved at run, expressions at publish).</summary>
public sealed record EnvironmentCallbackAnnotation(Func<EnvironmentCallbackContext, Task> Callback) : IResourceAnnotation;

/// <summary>Adds command-line arguments; same value rules as environment.</summary>
public sealed record CommandLineArgsCallbackAnnotation(Func<CommandLineArgsCallbackContext, Task> Callback) : IResourceAnnotation;

/// <summary>Context for environment callbacks.</summary>
public sealed class EnvironmentCallbackContext(DistributedApplicationExecutionContext executionContext)
{
    /// <summary>Run or publish.</summary>
    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    /// <summary>Name → string or <see cref="IValueProvider"/>.</summary>
    public Dictionary<string, object> EnvironmentVariables { get; } = new(StringComparer.Ordinal);
}

/// <summary>Context for argument callbacks.</summary>
public sealed class CommandLineArgsCallbackContext(DistributedApplicationExecutionContext executionContext)
{
    /// <summary>Run or publish.</summary>
    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    /// <summary>Strings or <see cref="IValueProvider"/>s.</summary>
    public List<object> Args { get; } = [];
}

/// <summary>How a waiter waits.</summary>
public enum WaitType
{
    /// <summary>Running and healthy.</summary>
    WaitUntilHealthy,
    /// <summary>Running.</summary>
    WaitUntilStarted,
    /// <summary>Finished with the expected exit code.</summary>
    WaitForCompletion,
}

/// <summary>The resource must not start before <paramref name="Resource"/> reaches the wait's condition.</summary>
public sealed record WaitAnnotation(IResource Resource, WaitType WaitType, int ExitCode = 0) : IResourceAnnotation;

/// <summary>A health check the orchestrator runs against the resource.</summary>
public sealed record HealthCheckAnnotation(string Key, Func<CancellationToken, Task<HealthProbeResult>> Probe) : IResourceAnnotation;

/// <summary>Outcome of one health probe. The description must not carry secrets.</summary>
public sealed record HealthProbeResult(bool Healthy, string Description)
{
    /// <summary>A passing probe.</summary>
    public static HealthProbeResult Pass(string description) => new(true, description);

    /// <summary>A failing probe.</summary>
    public static HealthProbeResult Fail(string description) => new(false, description);
}

/// <summary>Number of processes to run for a project.</summary>
public sealed record ReplicaAnnotation(int Replicas) : IResourceAnnotation;

/// <summary>The container image used when a container engine runs the resource, and when publishing.</summary>
public sealed record ContainerImageAnnotation(string Registry, string Image, string Tag) : IResourceAnnotation
{
    /// <summary><c>registry/image:tag</c>.</summary>
    public string FullName => $"{Registry}/{Image}:{Tag}";
}

/// <summary>A named volume mounted into the container (publish and container runs).</summary>
public sealed record ContainerVolumeAnnotation(string Name, string Target, bool ReadOnly = false) : IResourceAnnotation;

/// <summary>Overrides the container entrypoint.</summary>
public sealed record ContainerEntrypointAnnotation(string Entrypoint) : IResourceAnnotation;

/// <summary>The resource is left out of published manifests (local-only helpers).</summary>
public sealed record ManifestExclusionAnnotation : IResourceAnnotation;

/// <summary>Resource A references resource B (drives stop order and the dashboard's relationships).</summary>
public sealed record ResourceRelationshipAnnotation(IResource Resource, string Type) : IResourceAnnotation;

/// <summary>How the orchestrator runs the resource on this machine; added by the resource's <c>Add*</c> method.</summary>
public sealed record LocalLaunchAnnotation(ILocalLauncher Launcher) : IResourceAnnotation;

/// <summary>The resource stays NotStarted until started from the dashboard or API.</summary>
public sealed record ExplicitStartAnnotation : IResourceAnnotation;
