using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>Marks a resource that runs as a local process when no container engine answers.</summary>
/// <param name="Launcher">Knows what the process needs and how to start it.</param>
/// <param name="Always">Run locally even where a container engine answers (a resource with no container form).</param>
public sealed record LocalProcessAnnotation(ILocalProcessLauncher Launcher, bool Always = false) : IResourceAnnotation;

/// <summary>Set on a resource once it has been switched from its container to a local process for this run.</summary>
public sealed class RunsAsLocalProcessAnnotation : IResourceAnnotation;
