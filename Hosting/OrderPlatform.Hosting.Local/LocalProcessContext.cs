using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>What a <see cref="ILocalProcessLauncher"/> gets to prepare its process.</summary>
/// <param name="Resource">The resource being started.</param>
/// <param name="DataDirectory">This resource's own data folder: kept across runs for F5, a throwaway folder for tests.</param>
/// <param name="ToolsDirectory">Where npm-installed tools are cached across runs (<c>~/.cache/orderplatform/tools</c>).</param>
/// <param name="Ephemeral">True when <paramref name="DataDirectory"/> is deleted when the app stops.</param>
/// <param name="Logger">The resource's console log, shown in the dashboard.</param>
public sealed record LocalProcessContext(IResource Resource, string DataDirectory, string ToolsDirectory, bool Ephemeral, ILogger Logger)
{

    /// <summary>The port pinned for one of the resource's endpoints.</summary>
    public int Port(string endpointName) =>
        Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName).AllocatedEndpoint?.Port
        ?? throw new InvalidOperationException($"Endpoint '{endpointName}' of '{Resource.Name}' has no pinned port.");

    /// <summary>
    /// Runs a short-lived helper (initdb, chown, npm) to completion, <paramref name="input"/> on its stdin and its output
    /// into the resource log; throws on a non-zero exit.
    /// </summary>
    public async Task RunToolAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken, string? input = null)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardInput = input is not null, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(psi)!;
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var line in ((await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false))).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Logger.LogInformation("{Line}", line);
        }
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"{Path.GetFileName(file)} {args.FirstOrDefault()} failed with exit code {process.ExitCode}; see the {Resource.Name} resource log.");
        }
    }

    /// <summary>Makes a file that holds a secret readable by its owner only.</summary>
    public static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
