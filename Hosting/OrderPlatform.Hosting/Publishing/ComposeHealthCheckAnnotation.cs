using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Publishing;

/// <summary>
/// The Docker healthcheck a container kind runs when published to the VM bundle (<c>["CMD", ...]</c> or
/// <c>["CMD-SHELL", "..."]</c>). Kinds without one get a TCP probe of their first endpoint.
/// </summary>
public sealed record ComposeHealthCheckAnnotation(IReadOnlyList<string> Test) : IResourceAnnotation;
