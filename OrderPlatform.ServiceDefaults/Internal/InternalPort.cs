using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Endpoints served only on the app's internal port (<c>InternalEndpoint:Port</c>, the AppHost's <c>internal</c>
/// endpoint): on Container Apps that port is an additional port mapping with <c>external: false</c>, reachable inside
/// the environment only, and on the VM nginx never routes to it. The check is the port the connection arrived on,
/// never the Host header, which any caller can set. Without the setting every port serves them (tests, ad-hoc runs).
/// </summary>
public static class InternalPort
{
    /// <summary>The setting that names the internal port (the AppHost sets <c>InternalEndpoint__Port</c>).</summary>
    public const string ConfigurationKey = "InternalEndpoint:Port";

    /// <summary>Marks an endpoint (or a group) internal: on any other port it answers 404, as if it did not exist.</summary>
    public static TBuilder RequireInternalPort<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(InternalOnlyMetadata.Instance);

    /// <summary>The configured internal port, or null when every port serves internal endpoints.</summary>
    public static int? Configured(IConfiguration configuration)
    {
        var value = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return int.TryParse(value, out var port) && port is > 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"{ConfigurationKey} must be a port number, not '{value}'.");
    }

    /// <summary>Answers 404 for an internal endpoint reached on another port; runs after routing has picked the endpoint.</summary>
    public static WebApplication UseInternalPortCheck(this WebApplication app)
    {
        if (Configured(app.Configuration) is not { } port)
        {
            return app;
        }
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<InternalOnlyMetadata>() is not null && context.Connection.LocalPort != port)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
        return app;
    }

    private sealed class InternalOnlyMetadata
    {
        public static readonly InternalOnlyMetadata Instance = new();
    }
}
