using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Temporal;

/// <summary>
/// A Temporal frontend. Locally an executable DCP runs (the <c>temporal</c> CLI's dev server when it is on PATH, else
/// our embedded OrderPlatform.TemporalDev with the same command line); published as the <c>temporalio/auto-setup</c>
/// container.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The program DCP starts locally.</param>
/// <param name="namespaces">Namespaces registered at start (the server also always has <c>default</c>).</param>
public sealed class TemporalServerResource(string name, string command, IReadOnlyList<string> namespaces)
    : ExecutableResource(name, command, workingDirectory: ""), IResourceWithConnectionString
{
    /// <summary>The gRPC frontend endpoint's name.</summary>
    public const string GrpcEndpointName = "grpc";

    /// <summary>The Web UI endpoint's name (only the temporal CLI serves a UI).</summary>
    public const string UiEndpointName = "ui";

    /// <summary>Namespaces registered at start.</summary>
    public IReadOnlyList<string> Namespaces { get; } = namespaces;

    /// <summary>The gRPC endpoint.</summary>
    public EndpointReference GrpcEndpoint => new(this, GrpcEndpointName);

    /// <summary><c>host:port</c> of the gRPC frontend: what Temporal clients take as their target.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{GrpcEndpoint.Property(EndpointProperty.HostAndPort)}");
}
