using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>
/// An npm package installed once per version into the tools cache (<c>{tools}/{name}-{version}</c>); an in-process
/// gate and a lock file keep parallel apps and test processes from installing it at the same time, and a marker
/// written after npm succeeded tells a finished install from one still being written (npm writes the package's own
/// files before its dependencies, so the entry file alone can exist in a half-installed tree).
/// </summary>
public static class NpmPackage
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>What is missing to install npm packages, or null.</summary>
    public static string? MissingPrerequisite(string forWhat) =>
        Binaries.Find("node") is not null && Binaries.Find("npm") is not null ? null
            : $"node and npm (for {forWhat}) are missing: sudo apt-get install -y nodejs npm";

    /// <summary>Returns the package folder once npm has installed it, <paramref name="entry"/> (a file inside the package) with it.</summary>
    public static async Task<string> EnsureInstalledAsync(LocalProcessContext context, string package, string version, string entry, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(context.ToolsDirectory, $"{package.TrimStart('@').Replace('/', '-')}-{version}");
        var packageFolder = Path.Combine([folder, "node_modules", .. package.Split('/')]);
        var entryPath = Path.Combine(packageFolder, entry);
        var installed = Path.Combine(folder, ".installed");
        await InstallGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(installed) && File.Exists(entryPath))
            {
                return packageFolder;
            }
            Directory.CreateDirectory(folder);
            await using var crossProcessLock = await AcquireLockAsync(Path.Combine(folder, ".install.lock"), cancellationToken).ConfigureAwait(false);
            if (File.Exists(installed) && File.Exists(entryPath))
            {
                return packageFolder;
            }
            context.Logger.LogInformation("installing {Package}@{Version} with npm into {Folder} (first use only)", package, version, folder);
            await context.RunToolAsync(Binaries.Find("npm")!,
                ["install", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error", $"{package}@{version}"],
                cancellationToken).ConfigureAwait(false);
            if (!File.Exists(entryPath))
            {
                throw new DistributedApplicationException($"npm installed {package}@{version} but {entryPath} is missing.");
            }
            await File.WriteAllTextAsync(installed, $"{package}@{version}\n", cancellationToken).ConfigureAwait(false);
            return packageFolder;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
