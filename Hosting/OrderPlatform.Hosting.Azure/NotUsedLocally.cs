using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Azure;

/// <summary>
/// Run mode for an Azure resource that has no local counterpart: it shows as running (so <c>WaitFor</c> passes) and
/// every environment variable that refers to it or to its children (<c>WithReference</c>) is dropped before the
/// referencing resources start, so a service sees no connection string and takes its local path. Nothing is excluded
/// from the manifest, which keeps publishing intact.
/// </summary>
internal static class NotUsedLocally
{
    public const string PropertyName = "azure.local";

    public const string PropertyValue = "Not used locally";

    public static void Apply<T>(IResourceBuilder<T> builder) where T : IResource
    {
        MarkRunning(builder);
        var resource = builder.Resource;
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            foreach (var dependent in e.Model.Resources.OfType<IResourceWithEnvironment>())
            {
                dependent.Annotations.Add(new EnvironmentCallbackAnnotation(context => RemoveReferences(context.EnvironmentVariables, resource)));
            }
            return Task.CompletedTask;
        });
    }

    public static void MarkRunning<T>(IResourceBuilder<T> builder) where T : IResource =>
        builder.OnInitializeResource(async (resource, e, _) =>
        {
            e.Logger.LogInformation("'{Resource}' is not used locally: resources that reference it get no connection string.", resource.Name);
            await e.Notifications.PublishUpdateAsync(resource, s => s with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Info),
                Properties = s.Properties.Add(new ResourcePropertySnapshot(PropertyName, PropertyValue)),
            }).ConfigureAwait(false);
        });

    internal static void RemoveReferences(Dictionary<string, object> environment, IResource resource)
    {
        foreach (var key in environment.Where(e => Mentions(e.Value, resource, [])).Select(e => e.Key).ToList())
        {
            environment.Remove(key);
        }
    }

    private static bool Mentions(object value, IResource resource, HashSet<object> seen)
    {
        if (!seen.Add(value))
        {
            return false;
        }
        if (value is IResource candidate && IsOrDescendsFrom(candidate, resource))
        {
            return true;
        }
        return value is IValueWithReferences withReferences && withReferences.References.Any(r => Mentions(r, resource, seen));
    }

    private static bool IsOrDescendsFrom(IResource candidate, IResource resource) =>
        ReferenceEquals(candidate, resource) || (candidate is IResourceWithParent child && IsOrDescendsFrom(child.Parent, resource));
}
