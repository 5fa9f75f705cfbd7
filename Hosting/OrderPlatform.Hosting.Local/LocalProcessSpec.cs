namespace Aspire.Hosting.LocalProcesses;

/// <summary>How one local process is started; secrets go in files or the environment, never in <see cref="Args"/>.</summary>
/// <param name="FileName">The program's full path.</param>
/// <param name="Args">Its arguments, shown in the dashboard.</param>
public sealed record LocalProcessSpec(string FileName, IReadOnlyList<string> Args)
{
    /// <summary>The signal that asks the program to shut down cleanly (postgres: SIGINT is its "fast" shutdown).</summary>
    public StopSignal StopSignal { get; init; } = StopSignal.Terminate;

    /// <summary>
    /// Lines the program logs once it has shut down cleanly, for a program that does not exit by itself after that:
    /// once each has been logged after the stop signal, the process is ended without waiting out the grace period.
    /// </summary>
    public IReadOnlyList<string> ClosedWhenLogged { get; init; } = [];
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
