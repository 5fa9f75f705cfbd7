using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Testing;

/// <summary>What tests ask of a running app (Aspire.Hosting.Testing's extension methods).</summary>
public static class DistributedApplicationTestingExtensions
{
    /// <summary>An HttpClient whose base address is the resource's endpoint (the first http endpoint unless named).</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string? endpointName = null) =>
        new() { BaseAddress = app.GetEndpoint(resourceName, endpointName) };

    /// <summary>The allocated URL of an endpoint.</summary>
    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, string? endpointName = null)
    {
        var resource = app.GetResource(resourceName);
        var endpoint = resource.Annotations.OfKind<EndpointAnnotation>()
            .FirstOrDefault(e => endpointName is null ? e.Scheme is "http" or "https" : e.Name == endpointName)
            ?? throw new ArgumentException($"Resource '{resourceName}' has no endpoint '{endpointName ?? "http"}'.", nameof(endpointName));
        return new Uri(endpoint.Allocated?.Url ?? throw new InvalidOperationException("Start the app before asking for endpoints."));
    }

    /// <summary>The resource's connection string as the services receive it.</summary>
    public static async Task<string?> GetConnectionStringAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default) =>
        app.GetResource(resourceName) is IResourceWithConnectionString resource
            ? await resource.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false)
            : throw new ArgumentException($"Resource '{resourceName}' has no connection string.", nameof(resourceName));
}
