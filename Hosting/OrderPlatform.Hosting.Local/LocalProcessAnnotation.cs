using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>Marks a resource that runs as a local process when no container engine answers.</summary>
/// <param name="launcher">Knows what the process needs and how to start it.</param>
/// <param name="always">Run locally even where a container engine answers (a resource with no container form).</param>
public sealed class LocalProcessAnnotation(ILocalProcessLauncher launcher, bool always = false) : IResourceAnnotation
{
    /// <summary>The launcher.</summary>
    public ILocalProcessLauncher Launcher { get; } = launcher;

    /// <summary>True for a resource that has no container form and always runs as a local process.</summary>
    public bool Always { get; } = always;
}

/// <summary>Set on a resource once it has been switched from its container to a local process for this run.</summary>
public sealed class RunsAsLocalProcessAnnotation : IResourceAnnotation;
