namespace Aspire.Hosting.LocalProcesses;

/// <summary>How one local process is started; secrets go in files or the environment, never in <see cref="Args"/>.</summary>
/// <param name="FileName">The program's full path.</param>
/// <param name="Args">Its arguments, shown in the dashboard.</param>
public sealed record LocalProcessSpec(string FileName, IReadOnlyList<string> Args)
{
    /// <summary>The signal that asks the program to shut down cleanly (postgres: SIGINT is its "fast" shutdown).</summary>
    public StopSignal StopSignal { get; init; } = StopSignal.Terminate;
}

/// <summary>The graceful stop signal of a local process; SIGKILL follows after a grace period.</summary>
public enum StopSignal
{
    /// <summary>SIGTERM.</summary>
    Terminate,

    /// <summary>SIGINT.</summary>
    Interrupt,
}

/// <summary>
/// Runs a resource as a local process when no container engine answers: what it needs installed, and how to start it.
/// </summary>
public interface ILocalProcessLauncher
{
    /// <summary>Null when everything the process needs is installed; otherwise what is missing and the exact install command.</summary>
    string? MissingPrerequisite();

    /// <summary>Prepares data (initdb, config files, npm install) and returns how to start the process.</summary>
    Task<LocalProcessSpec> PrepareAsync(LocalProcessContext context, CancellationToken cancellationToken);
}
