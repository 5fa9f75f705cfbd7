using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.LocalProcesses;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrderPlatform.Tests;

namespace OrderPlatform.AppHost.Tests;

/// <summary>Small ad-hoc apps on the same hosting code: WaitFor, crash reports, side-by-side test apps.</summary>
[Collection(FullApps.Name)]
public sealed class AdHocAppTests
{
    [Fact]
    public async Task ADependentExecutableStartsOnlyAfterItsDependencyIsHealthy()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("apphost-waitfor-").FullName;
        var ready = Path.Combine(folder, "ready");
        var started = Path.Combine(folder, "started");
        var builder = TestApps.CreateBuilder();
        builder.Services.AddHealthChecks().AddCheck("dependency_ready", () => File.Exists(ready) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not ready"));
        var dependency = builder.AddExecutable("dependency", "sleep", folder, "600").WithHealthCheck("dependency_ready");
        builder.AddExecutable("dependent", "bash", folder, "-c", $"date +%s%N > '{started}'; exec sleep 600").WaitFor(dependency);

        // Not TestApps.StartAsync: StartAsync itself returns only once every resource has been created, WaitFor included.
        await using var app = await builder.BuildAsync(ct);
        var starting = app.StartAsync(ct);
        await app.ResourceNotifications.WaitForResourceAsync("dependency", KnownResourceStates.Running, ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        Assert.True(app.ResourceNotifications.TryGetCurrentState("dependent", out var waiting));
        Assert.Equal(KnownResourceStates.Waiting, waiting.Snapshot.State?.Text);
        Assert.False(File.Exists(started), "the dependent ran while its dependency was unhealthy");

        var readyAt = DateTimeOffset.UtcNow;
        await File.WriteAllTextAsync(ready, "", ct);
        await app.ResourceNotifications.WaitForResourceAsync("dependent", KnownResourceStates.Running, ct);
        while (!File.Exists(started) || (await File.ReadAllTextAsync(started, ct)).Trim().Length == 0)
        {
            await Task.Delay(100, ct);
        }
        var startedAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((await File.ReadAllTextAsync(started, ct)).Trim(), CultureInfo.InvariantCulture) / 1_000_000);
        Assert.True(startedAt >= readyAt.AddMilliseconds(-5), $"dependent started at {startedAt:O}, before its dependency was ready at {readyAt:O}");
        Assert.True(app.ResourceNotifications.TryGetCurrentState("dependency", out var dep));
        Assert.Equal(HealthStatus.Healthy, dep.Snapshot.HealthStatus);
        await starting;
    }

    public static TheoryData<string> Crashers => new() { "executable", "local process" };

    [Theory]
    [MemberData(nameof(Crashers))]
    public async Task ACrashingResourceIsReportedWithItsLogTailStateAndExitCode(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = TestApps.CreateBuilder();
        // A health check that never passes: without one a resource counts as healthy the moment it runs.
        builder.Services.AddHealthChecks().AddCheck("crasher_ready", () => HealthCheckResult.Unhealthy("never ready"));
        const string Script = "echo 'starting the crasher'; echo 'fatal: the disk is on fire' >&2; exit 3";
        if (kind == "executable")
        {
            builder.AddExecutable("crasher", "bash", Path.GetTempPath(), "-c", Script).WithHealthCheck("crasher_ready");
        }
        else
        {
            builder.AddResource(new ContainerResource("crasher")).WithLocalProcess(new ScriptLauncher(Script)).WithHealthCheck("crasher_ready");
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApps.StartAsync(builder, ["crasher"], ct, timeoutSeconds: 120));

        TestContext.Current.TestOutputHelper?.WriteLine(failure.Message);
        Assert.Contains("'crasher' did not become healthy", failure.Message, StringComparison.Ordinal);
        // DCP calls an executable that ended Finished; a local process stands in for a container, which ends Exited.
        Assert.Contains(kind == "executable" ? "state Finished" : "state Exited", failure.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("fatal: the disk is on fire", failure.Message, StringComparison.Ordinal);
        Assert.Contains("starting the crasher", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoTestAppsRunSideBySideOnDistinctPortsAndDataFolders()
    {
        var ct = TestContext.Current.CancellationToken;
        IDistributedApplicationTestingBuilder Model()
        {
            var builder = TestApps.CreateBuilder();
            builder.AddPostgres("pg").WithLocalProcessFallback().AddDatabase("db");
            builder.AddRedis("cache").WithLocalProcessFallback();
            return builder;
        }
        string[] healthy = ["pg", "db", "cache"];

        var starting = new[] { TestApps.StartAsync(Model(), healthy, ct), TestApps.StartAsync(Model(), healthy, ct) };
        var apps = new List<DistributedApplication>();
        Exception? failed = null;
        foreach (var task in starting)
        {
            try
            {
                apps.Add(await task);
            }
            catch (Exception e)
            {
                failed ??= e;
            }
        }
        if (failed is not null)
        {
            foreach (var started in apps)
            {
                await started.DisposeAsync();
            }
            throw failed;
        }
        var folders = new List<string>();
        await using (var first = apps[0])
        await using (var second = apps[1])
        {
            foreach (var name in new[] { "pg", "cache" })
            {
                Assert.NotEqual(first.GetEndpoint(name, "tcp").Port, second.GetEndpoint(name, "tcp").Port);
            }
            Assert.NotEqual(await TestApps.ConnectionStringAsync(first, "db", ct), await TestApps.ConnectionStringAsync(second, "db", ct));
            foreach (var app in new[] { first, second })
            {
                Assert.True(app.ResourceNotifications.TryGetCurrentState("pg", out var pg));
                var workDir = (string)pg.Snapshot.Properties.Single(p => p.Name == "executable.workDir").Value!;
                Assert.True(Directory.Exists(workDir), workDir);
                folders.Add(workDir);
            }
            Assert.NotEqual(folders[0], folders[1]);
            Assert.NotEqual(Path.GetDirectoryName(folders[0]), Path.GetDirectoryName(folders[1]));
        }
        // Throwaway folders go with their app.
        Assert.All(folders, f => Assert.False(Directory.Exists(f), $"{f} outlived its app"));
    }

    [Fact]
    public async Task AMissingBinaryFailsTheAppHostAtOnceWithTheExactInstallCommand()
    {
        var ct = TestContext.Current.CancellationToken;
        // A PATH with the shell, setpriv (postgres as root) and dotnet but no redis-server, node or npm.
        var bin = Directory.CreateTempSubdirectory("apphost-path-").FullName;
        foreach (var tool in new[] { "sh", "setpriv", "dotnet" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, tool), Binaries.Find(tool) ?? throw new InvalidOperationException($"{tool} is not installed"));
        }
        var data = Directory.CreateTempSubdirectory("apphost-missing-").FullName;
        var psi = new System.Diagnostics.ProcessStartInfo(AppHostProcess.AppHostPath, ["--no-dashboard", "--data-dir", data, "--DcpPublisher:RandomizePorts=true"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppHostProcess.AppHostProjectDirectory,
        };
        psi.Environment["PATH"] = bin;
        var dotnet = Binaries.Find("dotnet")!;
        psi.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(psi)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var console = await output + await error;

            Assert.True(process.ExitCode != 0, console);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
            Assert.Contains("redis: redis-server is missing: sudo apt-get install -y redis-server", console, StringComparison.Ordinal);
            Assert.Contains("storage: node and npm (for Azurite) are missing: sudo apt-get install -y nodejs npm", console, StringComparison.Ordinal);
            Assert.DoesNotContain("postgres:", console, StringComparison.Ordinal);
            Assert.DoesNotContain(ProcessTable.Watching(process.Id), p => p.IsAlive);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            Directory.Delete(bin, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed class ScriptLauncher(string script) : ILocalProcessLauncher
    {
        public string? MissingPrerequisite() => null;

        public Task<LocalProcessSpec> PrepareAsync(LocalProcessContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new LocalProcessSpec(Binaries.Find("bash")!, ["-c", script]));
    }
}
