using System.Diagnostics;
using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>
/// Decides between local executables and containers. "auto" uses containers only when an engine actually answers
/// (a docker client with no daemon is common on our machines and must not be mistaken for an engine).
/// </summary>
internal static class ContainerEngine
{
    public static string Command => Environment.GetEnvironmentVariable("ORDERPLATFORM_CONTAINER_RUNTIME") ?? "docker";

    public static async Task<ContainerRuntimeMode> ResolveAsync(string requested, CancellationToken cancellationToken)
    {
        switch (requested)
        {
            case "local":
                return ContainerRuntimeMode.Local;
            case "containers":
                return await AnswersAsync(cancellationToken).ConfigureAwait(false)
                    ? ContainerRuntimeMode.Containers
                    : throw new DistributedApplicationException(
                        $"--runtime containers was asked for, but '{Command} info' did not answer. Start the container engine or use --runtime local.");
            default:
                return await AnswersAsync(cancellationToken).ConfigureAwait(false) ? ContainerRuntimeMode.Containers : ContainerRuntimeMode.Local;
        }
    }

    private static async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        if (BinaryLocator.Find(Command) is not { } path)
        {
            return false;
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill();
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>Finds programs on PATH and in well-known folders.</summary>
public static class BinaryLocator
{
    /// <summary>The full path of <paramref name="name"/>, searching PATH then <paramref name="extraDirectories"/>.</summary>
    public static string? Find(string name, IEnumerable<string>? extraDirectories = null)
    {
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator) ?? [];
        return path.Concat(extraDirectories ?? [])
            .Where(d => d.Length > 0)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Postgres server binaries: PATH, then the highest <c>/usr/lib/postgresql/*/bin</c>.</summary>
    public static IEnumerable<string> PostgresDirectories() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
}
