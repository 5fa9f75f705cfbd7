using System.Diagnostics;

namespace OrderPlatform.Publishing.Tests;

public sealed class PublishProcessTests
{
    [Fact]
    public async Task PublishingTheManifestStartsNoProcess()
    {
        var output = Path.Combine(TestPaths.NewDirectory("process"), Manifests.FileName);
        // Every process the AppHost could start (DCP, postgres, redis-server, Azurite, a container CLI) inherits this
        // marker; polling /proc for it finds any child, even an orphan.
        var marker = Guid.NewGuid().ToString("N");
        var psi = new ProcessStartInfo("dotnet", [TestPaths.AppHostAssembly, "--publisher", "manifest", "--output-path", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.AppHostDirectory,
            Environment = { ["ORDERPLATFORM_PUBLISH_PROBE"] = marker },
        };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var children = new HashSet<string>();
        while (!process.HasExited && stopwatch.Elapsed < TimeSpan.FromMinutes(2))
        {
            children.UnionWith(ProcessesWith(marker).Where(p => p.Pid != process.Id).Select(p => $"{p.Pid} {p.Command}"));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        children.UnionWith(ProcessesWith(marker).Select(p => $"{p.Pid} {p.Command}"));

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stdout}{await stderr}");
        Assert.Contains($"Published manifest to: {output}", await stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(output));
        Assert.True(children.Count == 0, $"Publishing started: {string.Join("; ", children)}");
    }

    private static IEnumerable<(int Pid, string Command)> ProcessesWith(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string environ;
            string command;
            try
            {
                environ = File.ReadAllText(Path.Combine(dir, "environ"));
                command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (environ.Contains(marker, StringComparison.Ordinal))
            {
                yield return (pid, command);
            }
        }
    }
}
