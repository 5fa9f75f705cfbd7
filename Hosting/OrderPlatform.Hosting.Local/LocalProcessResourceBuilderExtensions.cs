using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.LocalProcesses;

namespace Aspire.Hosting;

/// <summary>Run container resources as local processes where no container engine answers.</summary>
public static class LocalProcessResourceBuilderExtensions
{
    /// <summary>
    /// In run mode, when no container engine answers (or <c>LocalProcesses:Runtime</c> is <c>local</c>), runs the
    /// resource with <paramref name="launcher"/> instead of its container image; the resource keeps its name, endpoints,
    /// health checks and connection string. Publish mode is unchanged.
    /// </summary>
    public static IResourceBuilder<T> WithLocalProcessFallback<T>(this IResourceBuilder<T> builder, ILocalProcessLauncher launcher)
        where T : IResource => builder.WithLocalProcess(launcher, always: false);

    /// <summary>
    /// In run mode, always runs the resource as a local process with <paramref name="launcher"/>: for resources that
    /// have no container form (a test-only server, say). Publish mode is unchanged.
    /// </summary>
    public static IResourceBuilder<T> WithLocalProcess<T>(this IResourceBuilder<T> builder, ILocalProcessLauncher launcher)
        where T : IResource => builder.WithLocalProcess(launcher, always: true);

    /// <summary>
    /// The app's local-process settings (runtime, data folder, throwaway or kept), read once per app: integrations
    /// that keep local state (the Temporal dev server's database) put it where the local processes put theirs.
    /// </summary>
    public static LocalProcessOptions GetLocalProcessOptions(this IDistributedApplicationBuilder builder) =>
        LocalProcessHost.For(builder).Options;

    private static IResourceBuilder<T> WithLocalProcess<T>(this IResourceBuilder<T> builder, ILocalProcessLauncher launcher, bool always)
        where T : IResource
    {
        var host = LocalProcessHost.For(builder.ApplicationBuilder);
        var subscribed = builder.Resource.Annotations.OfType<LocalProcessAnnotation>().Any();
        builder.WithAnnotation(new LocalProcessAnnotation(launcher, always), ResourceAnnotationMutationBehavior.Replace);
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode && !subscribed)
        {
            builder.OnInitializeResource((resource, e, ct) => host.RunIfLocalAsync(resource, e, ct));
        }
        return builder;
    }
}
