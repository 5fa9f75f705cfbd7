using System.Diagnostics;

namespace OrderPlatform.Publishing.Tests;

/// <summary>Runs the command-line tools the tests check files with.</summary>
internal static class Tools
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => StandardOutput + StandardError;
    }

    /// <summary>Runs a process to its end (killed with its children after <paramref name="timeout"/>, 5 minutes by default).</summary>
    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(fileName, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not exit in time.");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package (made executable if extraction dropped the bit).</summary>
    public static string Bicep()
    {
        var path = Path.Combine(TestPaths.BicepPackageDirectory, "tools", "bicep");
        Assert.True(File.Exists(path), $"The Bicep CLI is missing at {path}; restore the test project (Azure.Bicep.CommandLine.linux-x64).");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI package referenced here is linux-x64.");
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        return path;
    }

    /// <summary>Bicep exits 0 on linter warnings; they are failures here, as are errors.</summary>
    public static void AssertClean(Result result, string what)
    {
        var diagnostics = result.Output.Split('\n').Where(l => l.Contains(" : Warning ", StringComparison.Ordinal) || l.Contains(" : Error ", StringComparison.Ordinal)).ToList();
        Assert.True(result.ExitCode == 0 && diagnostics.Count == 0, $"{what}: exit {result.ExitCode}{Environment.NewLine}{result.Output}");
    }
}
