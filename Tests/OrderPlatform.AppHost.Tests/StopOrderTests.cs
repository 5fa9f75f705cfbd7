using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.LocalProcesses;
using OrderPlatform.Tests;

namespace OrderPlatform.AppHost.Tests;

/// <summary>
/// The order of a stop: the local processes (Redis, Azurite) outlive the processes DCP runs, which may still use them
/// while they drain, and then end without sitting out their grace period.
/// </summary>
[Collection(FullApps.Name)]
public sealed class StopOrderTests
{
    [Fact]
    public async Task LocalProcessesStopOnceTheirClientsHaveExitedThenPromptly()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = TestApps.CreateBuilder();
        var redis = builder.AddRedis("redis").WithLocalProcessFallback();
        builder.AddAzureStorage("storage").RunAsEmulator().WithLocalProcessFallback(new AzuriteLauncher());
        // A client that takes 1.5 s to stop after DCP's SIGTERM, as a project draining its work does.
        builder.AddExecutable("client", "bash", Path.GetTempPath(), "-c", "trap 'sleep 1.5; exit 0' TERM; while true; do sleep 0.1; done")
            .WithReference(redis);
        await using var app = await TestApps.StartAsync(builder, ["redis", "storage", "client"], ct);
        var processes = new[] { "redis", "storage", "client" }.ToDictionary(name => name, name => Process(app, name));

        var clock = Stopwatch.StartNew();
        var stopping = app.StopAsync(ct);
        var gone = await GoneTimesAsync(processes, clock, ct);
        await stopping;

        var report = string.Join(", ", gone.OrderBy(g => g.Value).Select(g => $"{g.Key} gone at {g.Value.TotalMilliseconds:F0} ms"));
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.True(gone.Count == processes.Count, $"Not all gone within 30 s: {report}");
        Assert.True(gone["redis"] >= gone["client"], $"Redis stopped before its client had exited: {report}");
        Assert.True(gone["storage"] >= gone["client"], $"Azurite stopped before its client had exited: {report}");
        // Azurite closes its servers in milliseconds, then lives on its timers: it must not wait out the 3 s grace.
        Assert.True(gone["storage"] - gone["client"] < TimeSpan.FromSeconds(2.5), $"Azurite sat out its grace period: {report}");
    }

    [Fact]
    public async Task TheAppHostStopsPostgresAndRedisOnlyAfterTheProjects()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var apphost = await AppHostProcess.StartAsync(Launch.NoTerminal, ct);
        await apphost.WaitAllHealthyAsync(ct);
        var (processes, _) = apphost.Snapshot();
        var projects = processes.Where(p => p.Command.Contains("OrderPlatform.", StringComparison.Ordinal) && p.Command.Contains(".dll", StringComparison.Ordinal)
            && !p.Command.Contains("OrderPlatform.AppHost.dll", StringComparison.Ordinal)).ToList();
        var servers = processes.Where(p => p.Command.StartsWith("/usr/bin/redis-server", StringComparison.Ordinal)
            || (p.Command.Contains("postgres", StringComparison.Ordinal) && p.Command.Contains(" -D ", StringComparison.Ordinal))).ToList();
        Assert.True(projects.Count >= 5 && servers.Count == 2, $"projects: {string.Join("; ", projects)}; servers: {string.Join("; ", servers)}");

        var clock = Stopwatch.StartNew();
        await apphost.SignalAsync("INT", group: false, ct);
        var watched = projects.Concat(servers).ToList();
        var gone = await GoneTimesAsync(watched.ToDictionary(p => p), clock, ct);

        var report = string.Join(Environment.NewLine, gone.OrderBy(g => g.Value).Select(g => $"{g.Value.TotalMilliseconds,6:F0} ms {g.Key}"));
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.True(gone.Count == watched.Count, $"Not all gone within 30 s:{Environment.NewLine}{report}");
        var lastProject = projects.Max(p => gone[p]);
        Assert.True(servers.All(s => gone[s] >= lastProject), $"A server stopped while projects were still running:{Environment.NewLine}{report}");
    }

    /// <summary>When each process was seen gone on <paramref name="clock"/>, polling every 20 ms for 30 s at most.</summary>
    private static async Task<Dictionary<TKey, TimeSpan>> GoneTimesAsync<TKey>(IReadOnlyDictionary<TKey, ProcessInfo> processes, Stopwatch clock, CancellationToken ct)
        where TKey : notnull
    {
        var gone = new Dictionary<TKey, TimeSpan>();
        while (gone.Count < processes.Count && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (var (key, _) in processes.Where(p => !gone.ContainsKey(p.Key) && !p.Value.IsAlive))
            {
                gone[key] = clock.Elapsed;
            }
            await Task.Delay(20, ct);
        }
        return gone;
    }

    private static ProcessInfo Process(DistributedApplication app, string name)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState(name, out var state), $"{name} has no state");
        var pid = state.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        return ProcessTable.Read(int.Parse(Convert.ToString(pid, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture))
            ?? throw new InvalidOperationException($"{name} (pid {pid}) is not running");
    }
}
