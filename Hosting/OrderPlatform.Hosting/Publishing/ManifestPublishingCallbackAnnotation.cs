using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Publishing;

/// <summary>
/// How a resource kind writes its own manifest entry. The callback runs inside the resource's JSON object; the
/// manifest publisher only walks the graph. Without one, projects, containers, parameters and connection-string
/// resources get the default shapes of <see cref="ManifestPublishingContext"/>.
/// </summary>
public sealed record ManifestPublishingCallbackAnnotation(Func<ManifestPublishingContext, Task> Callback) : IResourceAnnotation;
