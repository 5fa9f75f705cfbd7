using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OrderPlatform.Hosting.Tests;

/// <summary>The AppHost as a developer runs it: a real process, its console output, Ctrl+C.</summary>
public sealed class AppHostProcessTests
{
    private static string AppHostDll => new Projects.OrderPlatform_AppHost().TargetPath;

    [Fact]
    public async Task TheConsoleShowsProgressButNeverASecretAndCtrlCStopsEverything()
    {
        var data = Path.Combine(Path.GetTempPath(), "op-apphost-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var host = StartAppHost(["--no-dashboard", "--data-dir", data], extraPath: null);
            var output = new StringBuilder();
            var allHealthy = new TaskCompletionSource();
            host.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } if (e.Data?.Contains("running and healthy", StringComparison.Ordinal) == true) { allHealthy.TrySetResult(); } };
            host.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            host.BeginOutputReadLine();
            host.BeginErrorReadLine();

            await allHealthy.Task.WaitAsync(TestTimeouts.Start);
            var childPids = ChildPids(host.Id);
            Signal(host.Id, 2);
            await host.WaitForExitAsync(TestTimeouts.Short);

            var text = output.ToString();
            Assert.Contains("postgres", text);
            Assert.Contains("Running (healthy)", text);
            Assert.Matches(@"\[\+\s*\d+ ms\] api\s+Running \(healthy\)", text);
            var secrets = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(data, "parameters.json")))!;
            Assert.NotEmpty(secrets);
            Assert.All(secrets, s => Assert.DoesNotContain(s.Value, text));
            Assert.NotEmpty(childPids);
            Assert.All(childPids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"child {pid} outlived Ctrl+C"));
        }
        finally
        {
            if (Directory.Exists(data)) { Directory.Delete(data, recursive: true); }
        }
    }

    [Fact]
    public async Task AMissingBinaryWithNoContainerEngineFailsFastSayingWhatToInstall()
    {
        var data = Path.Combine(Path.GetTempPath(), "op-apphost-" + Guid.NewGuid().ToString("N")[..8]);
        using var host = StartAppHost(["--no-dashboard", "--runtime", "local", "--data-dir", data], extraPath: "/nonexistent");
        var stdout = host.StandardOutput.ReadToEndAsync(TestTimeouts.Short);
        var stderr = host.StandardError.ReadToEndAsync(TestTimeouts.Short);
        var watch = Stopwatch.StartNew();
        await host.WaitForExitAsync(TestTimeouts.Short);

        var text = await stdout + await stderr;
        Assert.Equal(1, host.ExitCode);
        Assert.Contains("sudo apt-get install -y redis-server", text);
        Assert.Contains("nodejs npm", text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        if (Directory.Exists(data)) { Directory.Delete(data, recursive: true); }
    }

    private static Process StartAppHost(string[] args, string? extraPath)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "/usr/share/dotnet/dotnet";
        var psi = new ProcessStartInfo(File.Exists(dotnet) ? dotnet : "dotnet", [AppHostDll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (extraPath is not null)
        {
            psi.Environment["PATH"] = extraPath;
        }
        return Process.Start(psi)!;
    }

    private static List<int> ChildPids(int parent) =>
        [.. Directory.GetDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0)
            .Where(p => p > 0 && ParentOf(p) == parent)];

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { return 0; }
    }

    private static void Signal(int pid, int signal) => Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
}
