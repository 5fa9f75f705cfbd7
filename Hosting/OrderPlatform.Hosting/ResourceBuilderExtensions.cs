using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting;

/// <summary>The verbs every AppHost uses: references, waits, endpoints, environment, arguments, health, replicas.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Injects <c>ConnectionStrings__{name}</c> (a real string when running, an expression when publishing).</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source, string? connectionName = null)
        where T : IResourceWithEnvironment
    {
        var resource = source.Resource;
        builder.WithAnnotation(new ResourceRelationshipAnnotation(resource, "Reference"));
        return builder.WithEnvironment(ctx =>
            ctx.EnvironmentVariables[$"ConnectionStrings__{connectionName ?? resource.ConnectionStringEnvironmentName}"] = new ConnectionStringReference(resource));
    }

    /// <summary>
    /// Injects service discovery entries <c>services__{name}__{endpoint}__{i}</c> for every endpoint (and replica)
    /// of a project or container.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where T : IResourceWithEnvironment
    {
        var resource = source.Resource;
        builder.WithAnnotation(new ResourceRelationshipAnnotation(resource, "Reference"));
        return builder.WithEnvironment(ctx =>
        {
            foreach (var e in resource.Annotations.OfKind<EndpointAnnotation>().Where(e => e.Transport is "http" or "http2"))
            {
                var prefix = $"services__{resource.Name}__{e.Name}__";
                if (ctx.ExecutionContext.IsRunMode && e.Replicas.Count > 1)
                {
                    for (var i = 0; i < e.Replicas.Count; i++)
                    {
                        ctx.EnvironmentVariables[prefix + i] = e.Replicas[i].Url;
                    }
                }
                else
                {
                    ctx.EnvironmentVariables[prefix + "0"] = new EndpointReference(resource, e.Name);
                }
            }
        });
    }

    /// <summary>Waits until <paramref name="dependency"/> is running and healthy before starting.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency) where T : IResourceWithWaitSupport =>
        builder.WithAnnotation(new WaitAnnotation(dependency.Resource, WaitType.WaitUntilHealthy));

    /// <summary>Waits until <paramref name="dependency"/> is running (health not required).</summary>
    public static IResourceBuilder<T> WaitForStart<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency) where T : IResourceWithWaitSupport =>
        builder.WithAnnotation(new WaitAnnotation(dependency.Resource, WaitType.WaitUntilStarted));

    /// <summary>Waits until <paramref name="dependency"/> has exited with <paramref name="exitCode"/> (a migration, a seed job).</summary>
    public static IResourceBuilder<T> WaitForCompletion<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency, int exitCode = 0) where T : IResourceWithWaitSupport =>
        builder.WithAnnotation(new WaitAnnotation(dependency.Resource, WaitType.WaitForCompletion, exitCode));

    /// <summary>Adds an endpoint. <paramref name="targetPort"/> is where the process listens; null lets the orchestrator pick.</summary>
    public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, string name, string scheme = "tcp", int? port = null, int? targetPort = null, bool isExternal = false, string? transport = null)
        where T : IResourceWithEndpoints
    {
        if (builder.Resource.Annotations.OfKind<EndpointAnnotation>().Any(e => e.Name == name))
        {
            throw new InvalidOperationException($"Resource '{builder.Resource.Name}' already has an endpoint named '{name}'.");
        }
        return builder.WithAnnotation(new EndpointAnnotation(name, scheme, transport ?? (scheme is "http" or "https" ? "http" : "tcp"), targetPort, port, isExternal));
    }

    /// <summary>Adds an http endpoint (named <c>http</c> unless named).</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string name = "http")
        where T : IResourceWithEndpoints => builder.WithEndpoint(name, "http", port, targetPort);

    /// <summary>Marks http(s) endpoints as reachable from outside when published.</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : IResourceWithEndpoints
    {
        foreach (var e in builder.Resource.Annotations.OfKind<EndpointAnnotation>().Where(e => e.Scheme is "http" or "https"))
        {
            e.IsExternal = true;
        }
        return builder;
    }

    /// <summary>A reference to one of the resource's endpoints.</summary>
    public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name) where T : IResourceWithEndpoints => new(builder.Resource, name);

    /// <summary>Adds environment through a callback.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback) where T : IResourceWithEnvironment =>
        builder.WithAnnotation(new EnvironmentCallbackAnnotation(ctx => { callback(ctx); return Task.CompletedTask; }));

    /// <summary>Sets a literal environment variable.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : IResourceWithEnvironment =>
        builder.WithEnvironment(ctx => ctx.EnvironmentVariables[name] = value);

    /// <summary>Sets an environment variable to a late-bound value (parameter, endpoint, expression).</summary>
    public static IResourceBuilder<T> WithEnvironment<T, TValue>(this IResourceBuilder<T> builder, string name, TValue value)
        where T : IResourceWithEnvironment where TValue : IValueProvider, IManifestExpressionProvider =>
        builder.WithEnvironment(ctx => ctx.EnvironmentVariables[name] = value);

    /// <summary>Sets an environment variable to a parameter's value.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter) where T : IResourceWithEnvironment =>
        builder.WithEnvironment(ctx => ctx.EnvironmentVariables[name] = parameter.Resource);

    /// <summary>Appends literal arguments.</summary>
    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params string[] args) where T : IResourceWithArgs =>
        builder.WithAnnotation(new CommandLineArgsCallbackAnnotation(ctx => { ctx.Args.AddRange(args); return Task.CompletedTask; }));

    /// <summary>Appends arguments through a callback (values may be late-bound).</summary>
    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, Action<CommandLineArgsCallbackContext> callback) where T : IResourceWithArgs =>
        builder.WithAnnotation(new CommandLineArgsCallbackAnnotation(ctx => { callback(ctx); return Task.CompletedTask; }));

    /// <summary>Healthy when <c>GET {endpoint}{path}</c> answers <paramref name="statusCode"/> on every replica.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/", int statusCode = 200, string? endpointName = null)
        where T : IResourceWithEndpoints
    {
        var endpoint = builder.Resource.Annotations.OfKind<EndpointAnnotation>()
            .FirstOrDefault(e => endpointName is null ? e.Scheme is "http" or "https" : e.Name == endpointName)
            ?? throw new InvalidOperationException($"WithHttpHealthCheck needs an http(s) endpoint on '{builder.Resource.Name}'.");
        return builder.WithAnnotation(new HealthCheckAnnotation($"http-{endpoint.Name}{path}", async ct =>
        {
            foreach (var replica in endpoint.Replicas.Count > 0 ? endpoint.Replicas : [endpoint.Allocated!])
            {
                using var response = await HealthHttp.Client.GetAsync(new Uri(new Uri(replica.Url), path), ct).ConfigureAwait(false);
                if ((int)response.StatusCode != statusCode)
                {
                    return HealthProbeResult.Fail($"GET {path} on port {replica.Port} answered {(int)response.StatusCode}, expected {statusCode}.");
                }
            }
            return HealthProbeResult.Pass($"GET {path} answered {statusCode}.");
        }));
    }

    /// <summary>Runs several processes of a project, each on its own port.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        return builder.WithAnnotation(new ReplicaAnnotation(replicas));
    }

    /// <summary>The resource stays NotStarted until started from the dashboard.</summary>
    public static IResourceBuilder<T> WithExplicitStart<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.WithAnnotation(new ExplicitStartAnnotation());

    /// <summary>Leaves the resource out of published manifests.</summary>
    public static IResourceBuilder<T> ExcludeFromManifest<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.WithAnnotation(new ManifestExclusionAnnotation());
}

internal static class HealthHttp
{
    // Connection: close, so probes never hold keep-alive connections that make a server's graceful stop wait.
    public static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(5), DefaultRequestHeaders = { ConnectionClose = true } };
}
