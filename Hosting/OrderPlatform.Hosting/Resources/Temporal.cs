using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;
using OrderPlatform.Hosting.Publishing;
using Temporalio.Client;

namespace OrderPlatform.Hosting;

/// <summary>
/// Temporal. Locally, in order of preference: a container when an engine answers, the <c>temporal</c> CLI dev
/// server when it is on PATH, else our embedded dev server (Hosting/OrderPlatform.TemporalDev), which takes the same
/// <c>server start-dev</c> command line. Published as the <c>temporalio/auto-setup</c> container against Postgres.
/// </summary>
public sealed class TemporalResource(string name, IReadOnlyList<string> namespaces) : ContainerResource(name), IResourceWithConnectionString
{
    /// <summary>Namespaces registered at start (the embedded server also always has <c>default</c>).</summary>
    public IReadOnlyList<string> Namespaces { get; } = namespaces;

    /// <summary><c>host:port</c> of the gRPC frontend, which is what Temporal clients take as the target.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{new EndpointReference(this, "grpc").Property(EndpointProperty.HostAndPort)}");
}

/// <summary>Temporal verbs.</summary>
public static class TemporalExtensions
{
    /// <summary>The auto-setup image version used in containers and manifests.</summary>
    public const string AutoSetupTag = "1.29.1";

    /// <summary>Adds Temporal with the given namespaces (default <c>order-processing</c>); health is a GetSystemInfo call.</summary>
    public static IResourceBuilder<TemporalResource> AddTemporal(this IDistributedApplicationBuilder builder, string name, params string[] namespaces)
    {
        var temporal = new TemporalResource(name, namespaces.Length > 0 ? namespaces : ["order-processing"]);
        var rb = builder.AddResource(temporal)
            .WithEndpoint("grpc", "http", targetPort: 7233, transport: "http2")
            .WithAnnotation(new ContainerImageAnnotation("docker.io", "temporalio/auto-setup", AutoSetupTag))
            .WithAnnotation(new LocalLaunchAnnotation(new TemporalLauncher(temporal)))
            .WithAnnotation(new ComposeHealthCheckAnnotation(["CMD-SHELL", "temporal operator cluster health --address $(hostname -i):7233"]))
            .WithAnnotation(new HealthCheckAnnotation("temporal", async ct =>
            {
                var target = await temporal.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false);
                var connection = await TemporalConnection.ConnectAsync(new TemporalConnectionOptions(target!)).ConfigureAwait(false);
                var info = await connection.WorkflowService.GetSystemInfoAsync(new(), new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
                return HealthProbeResult.Pass($"GetSystemInfo answered (server {info.ServerVersion}).");
            }));
        // A UI endpoint exists only where a UI does: the temporal CLI. The embedded server has none, and the published
        // auto-setup image serves none either (the VM bundle adds its own temporal-ui container).
        if (builder.ExecutionContext.IsRunMode && BinaryLocator.Find("temporal") is not null)
        {
            rb.WithEndpoint("ui", "http", targetPort: 8233);
        }
        return rb;
    }

    /// <summary>Points the published auto-setup container at a Postgres server for its persistence.</summary>
    public static IResourceBuilder<TemporalResource> WithPostgres(this IResourceBuilder<TemporalResource> builder, IResourceBuilder<PostgresServerResource> postgres)
    {
        var pg = postgres.Resource;
        var tcp = new EndpointReference(pg, "tcp");
        builder.WithAnnotation(new ResourceRelationshipAnnotation(pg, "Persistence"));
        return builder.WithEnvironment(ctx =>
        {
            if (ctx.ExecutionContext.IsPublishMode)
            {
                ctx.EnvironmentVariables["DB"] = "postgres12";
                ctx.EnvironmentVariables["DB_PORT"] = tcp.Property(EndpointProperty.Port);
                ctx.EnvironmentVariables["POSTGRES_SEEDS"] = tcp.Property(EndpointProperty.Host);
                ctx.EnvironmentVariables["POSTGRES_USER"] = PostgresServerResource.UserName;
                ctx.EnvironmentVariables["POSTGRES_PWD"] = pg.Password;
            }
        });
    }
}

internal sealed class TemporalLauncher(TemporalResource temporal) : ILocalLauncher
{
    public Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken)
    {
        var endpoints = temporal.Annotations.OfKind<EndpointAnnotation>().ToDictionary(e => e.Name);
        var port = endpoints["grpc"].Allocated!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (context.Runtime == ContainerRuntimeMode.Containers)
        {
            // The dev server image is self-contained; auto-setup would need the Postgres container on a shared network.
            return Task.FromResult(ContainerLaunch.Spec(context, new Dictionary<string, string>(), ["server", "start-dev", "--ip", "0.0.0.0"]));
        }
        List<string> args = ["server", "start-dev", "--ip", "127.0.0.1", "--port", port];
        foreach (var ns in temporal.Namespaces)
        {
            args.AddRange(["--namespace", ns]);
        }
        if (!context.Ephemeral)
        {
            Directory.CreateDirectory(context.DataDirectory);
            args.AddRange(["--db-filename", Path.Combine(context.DataDirectory, "temporal.db")]);
        }
        if (BinaryLocator.Find("temporal") is { } cli)
        {
            args.AddRange(["--ui-port", endpoints["ui"].Allocated!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            return Task.FromResult(new LaunchSpec(cli, args));
        }
        var dll = typeof(OrderPlatform.TemporalDev.TemporalDevServer).Assembly.Location;
        return Task.FromResult(new LaunchSpec(ToolProcess.DotnetHost(), [dll, .. args, "--headless"]) { StopSignal = Signals.SigTerm });
    }
}
