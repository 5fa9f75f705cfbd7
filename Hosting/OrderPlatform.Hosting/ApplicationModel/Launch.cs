namespace OrderPlatform.Hosting.ApplicationModel;

/// <summary>
/// Knows how one kind of resource runs on this machine: as a local executable (the default here) or, when a
/// container engine answers, as a container. The orchestrator only walks the graph and calls these.
/// </summary>
public interface ILocalLauncher
{
    /// <summary>Prepares data folders, tools and config files and returns the process to start.</summary>
    Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken);

    /// <summary>Runs once the resource is healthy (e.g. create the databases on a server).</summary>
    Task OnReadyAsync(LaunchContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Where and how a resource is being launched.</summary>
public sealed class LaunchContext
{
    /// <summary>The resource.</summary>
    public required IResource Resource { get; init; }

    /// <summary>Replica index (0 unless <c>WithReplicas</c>).</summary>
    public int Replica { get; init; }

    /// <summary>Resolved environment from the resource's callbacks.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>Resolved arguments from the resource's callbacks.</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>The resource's own persistent data folder (<c>.apphost/&lt;name&gt;</c>, or a throwaway one in tests).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Folder for cached tools (npm packages), shared by all runs of this user.</summary>
    public required string ToolsDirectory { get; init; }

    /// <summary>Whether resources run as local executables or containers.</summary>
    public required ContainerRuntimeMode Runtime { get; init; }

    /// <summary>Test runs: state need not survive the run (e.g. Temporal keeps history in memory).</summary>
    public bool Ephemeral { get; init; }

    /// <summary>Unique per app instance; used to name containers so two apps never clash.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Writes a line to the resource's log (shown on the dashboard).</summary>
    public required Action<string> Log { get; init; }
}

/// <summary>Local executables or containers.</summary>
public enum ContainerRuntimeMode
{
    /// <summary>Local executables (postgres, redis-server, azurite, dotnet).</summary>
    Local,
    /// <summary>Containers through the detected engine.</summary>
    Containers,
}

/// <summary>A process to start.</summary>
public sealed record LaunchSpec(string FileName, IReadOnlyList<string> Args)
{
    /// <summary>Working directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment on top of the AppHost's own.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Signal asking for a graceful stop (postgres wants SIGINT: "fast" shutdown, not waiting for clients).</summary>
    public int StopSignal { get; init; } = Signals.SigTerm;

    /// <summary>Values that must never appear in logs (passwords passed on the command line, etc.).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

/// <summary>POSIX signal numbers used by the orchestrator.</summary>
public static class Signals
{
    /// <summary>SIGINT.</summary>
    public const int SigInt = 2;
    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;
    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;
}
