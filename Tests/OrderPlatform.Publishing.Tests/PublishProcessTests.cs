using System.Diagnostics;
using OrderPlatform.Hosting.Publishing;

namespace OrderPlatform.Publishing.Tests;

public sealed class PublishProcessTests
{
    [Fact]
    public async Task PublishingTheRealAppHostStartsNoProcessAndExitsZeroWithinFiveSeconds()
    {
        var appHost = new Projects.OrderPlatform_AppHost().TargetPath;
        var output = Path.Combine(TestPaths.NewDirectory("process"), "apphost-manifest.json");
        // Every process the AppHost could start inherits this marker; polling /proc for it finds any child, even an orphan.
        var marker = Guid.NewGuid().ToString("N");
        var psi = new ProcessStartInfo("dotnet", [appHost, "--publisher", "manifest", "--output-path", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["ORDERPLATFORM_PUBLISH_PROBE"] = marker },
        };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var children = new HashSet<int>();
        while (!process.HasExited && stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            children.UnionWith(ProcessesWith(marker).Where(pid => pid != process.Id));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        stopwatch.Stop();
        children.UnionWith(ProcessesWith(marker));

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stdout}{await stderr}");
        Assert.Contains($"Published manifest to: {output}", await stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(output));
        Assert.Empty(children);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"Publishing took {stopwatch.Elapsed.TotalSeconds:F1} s.");
        Assert.Equal(ManifestPublisher.Schema, System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken))!["$schema"]!.ToString());
    }

    [Fact]
    public async Task AnUnknownPublisherFailsWithTheKnownNames()
    {
        var appHost = new Projects.OrderPlatform_AppHost().TargetPath;
        var result = await Tools.RunAsync("dotnet", [appHost, "--publisher", "helm", "--output-path", TestPaths.NewDirectory("unknown")]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unknown publisher 'helm'. Known: manifest, vm.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublisherWithoutAnOutputPathFailsClearly()
    {
        var appHost = new Projects.OrderPlatform_AppHost().TargetPath;
        var result = await Tools.RunAsync("dotnet", [appHost, "--publisher", "manifest"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--output-path is required with --publisher.", result.Output, StringComparison.Ordinal);
    }

    private static IEnumerable<int> ProcessesWith(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string environ;
            try
            {
                environ = File.ReadAllText(Path.Combine(dir, "environ"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (environ.Contains(marker, StringComparison.Ordinal))
            {
                yield return pid;
            }
        }
    }
}
