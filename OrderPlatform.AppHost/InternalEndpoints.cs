/// <summary>
/// A project's internal port: a second http endpoint, never external, where the service answers its health probes and
/// service-to-service calls (<c>InternalPort</c> in ServiceDefaults). Published it is an azd binding with its own target
/// port, which azd maps to a Container Apps additional port with <c>external: false</c> (reachable only inside the
/// environment); on the VM nginx routes only the public port. Locally Aspire allocates the port like any other.
/// </summary>
internal static class InternalEndpoints
{
    public const string Name = "internal";

    /// <summary>The port published images listen on next to the SDK's 8080 (Container Apps probes use it too).</summary>
    public const int PublishedTargetPort = 8081;

    public static IResourceBuilder<ProjectResource> WithInternalEndpoint(this IResourceBuilder<ProjectResource> project)
    {
        int? targetPort = project.ApplicationBuilder.ExecutionContext.IsPublishMode ? PublishedTargetPort : null;
        project.WithHttpEndpoint(targetPort: targetPort, name: Name);
        var endpoint = project.GetEndpoint(Name);
        // The callback form: the value form would record a reference from the project to itself (the dashboard's graph).
        return project
            .WithEnvironment(context => context.EnvironmentVariables["InternalEndpoint__Port"] = endpoint.Property(EndpointProperty.TargetPort))
            .WithHttpHealthCheck("/health", endpointName: Name);
    }
}
