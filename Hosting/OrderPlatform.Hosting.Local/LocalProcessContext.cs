using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>What a <see cref="ILocalProcessLauncher"/> gets to prepare its process.</summary>
public sealed class LocalProcessContext
{
    internal LocalProcessContext(IResource resource, string dataDirectory, string toolsDirectory, bool ephemeral, ILogger logger, IServiceProvider services)
    {
        Resource = resource;
        DataDirectory = dataDirectory;
        ToolsDirectory = toolsDirectory;
        Ephemeral = ephemeral;
        Logger = logger;
        Services = services;
    }

    /// <summary>The resource being started.</summary>
    public IResource Resource { get; }

    /// <summary>This resource's own data folder: kept across runs for F5, a throwaway folder for tests.</summary>
    public string DataDirectory { get; }

    /// <summary>Where npm-installed tools are cached across runs (<c>~/.cache/orderplatform/tools</c>).</summary>
    public string ToolsDirectory { get; }

    /// <summary>True when <see cref="DataDirectory"/> is deleted when the app stops.</summary>
    public bool Ephemeral { get; }

    /// <summary>The resource's console log, shown in the dashboard.</summary>
    public ILogger Logger { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services { get; }

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
