using System.Diagnostics;
using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>Short-lived helper programs a launcher runs before its resource starts (initdb, chown, npm install).</summary>
internal static class ToolProcess
{
    /// <summary>Runs to completion, copies its output into the resource log, and throws naming the tool on a non-zero exit.</summary>
    public static async Task RunAsync(string file, IReadOnlyList<string> args, LaunchContext context, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var line in ((await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false))).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            context.Log(line);
        }
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"{Path.GetFileName(file)} {args.FirstOrDefault()} failed with exit code {process.ExitCode}; see the {context.Resource.Name} resource log.");
        }
    }

    /// <summary>The dotnet host: the one running <c>dotnet run</c> (DOTNET_HOST_PATH) if set, else from PATH.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : BinaryLocator.Find("dotnet") ?? "dotnet";
}
