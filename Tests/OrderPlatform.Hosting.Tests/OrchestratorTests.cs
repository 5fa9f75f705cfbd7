using Npgsql;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;
using OrderPlatform.Hosting.Testing;

namespace OrderPlatform.Hosting.Tests;

public sealed class OrchestratorTests
{
    [Fact]
    public async Task ACrashingExecutableIsReportedAsExitedWithItsLogTail()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("crasher", "sh", ".", "-c", "echo boom-marker-42; echo second-line >&2; exit 3");
        await using var app = await builder.BuildAsync(TestTimeouts.Short);
        await app.StartAsync(TestTimeouts.Short);

        var snapshot = await app.ResourceNotifications.WaitForResourceAsync("crasher", s => KnownResourceStates.Terminal.Contains(s.State), TestTimeouts.Short);

        Assert.Equal(KnownResourceStates.Exited, snapshot.State);
        Assert.Equal(3, snapshot.ExitCode);
        Assert.Contains("boom-marker-42", snapshot.Error);
        Assert.Contains("second-line", snapshot.Error);
        var ex = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("crasher", TestTimeouts.Short));
        Assert.Contains("Exited", ex.Message);
    }

    [Fact]
    public async Task AnExecutableThatCannotStartIsReportedAsFailedToStartAndItsDependentsDoNotStart()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var missing = builder.AddExecutable("missing", "/nonexistent/orderplatform-no-such-binary", ".");
        builder.AddExecutable("dependent", "sh", ".", "-c", "sleep 600").WaitFor(missing);
        await using var app = await builder.BuildAsync(TestTimeouts.Short);
        await app.StartAsync(TestTimeouts.Short);

        var failed = await app.ResourceNotifications.WaitForResourceAsync("missing", KnownResourceStates.FailedToStart, TestTimeouts.Short);
        var dependent = await app.ResourceNotifications.WaitForResourceAsync("dependent", s => KnownResourceStates.Terminal.Contains(s.State), TestTimeouts.Short);

        Assert.Contains("orderplatform-no-such-binary", failed.Error);
        Assert.Equal(KnownResourceStates.FailedToStart, dependent.State);
        Assert.Contains("dependency 'missing'", dependent.Error);
        Assert.Empty(dependent.ProcessIds);
    }

    [Fact]
    public async Task WaitForCompletionStartsTheDependentOnlyAfterTheJobSucceeds()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var marker = Path.Combine(Path.GetTempPath(), "op-job-" + Guid.NewGuid().ToString("N"));
        var job = builder.AddExecutable("job", "sh", ".", "-c", $"sleep 1; touch {marker}; exit 0");
        var failingJob = builder.AddExecutable("failing-job", "sh", ".", "-c", "exit 7");
        builder.AddExecutable("after-job", "sh", ".", "-c", $"test -f {marker} && echo saw-marker; sleep 600").WaitForCompletion(job);
        builder.AddExecutable("after-failing-job", "sh", ".", "-c", "sleep 600").WaitForCompletion(failingJob);
        await using var app = await builder.BuildAsync(TestTimeouts.Short);
        await app.StartAsync(TestTimeouts.Short);

        await app.ResourceNotifications.WaitForResourceHealthyAsync("after-job", TestTimeouts.Short);
        var blocked = await app.ResourceNotifications.WaitForResourceAsync("after-failing-job", s => KnownResourceStates.Terminal.Contains(s.State), TestTimeouts.Short);

        Assert.Equal(KnownResourceStates.Finished, app.ResourceNotifications.Get("job")!.State);
        await WaitForLogAsync(app, "after-job", "saw-marker");
        Assert.Equal(KnownResourceStates.FailedToStart, blocked.State);
        Assert.Contains("exit code 7", blocked.Error);
        File.Delete(marker);
    }

    [Fact]
    public async Task DisposingTheAppLeavesNoChildProcessAndFreesItsPorts()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddPostgres("postgres").AddDatabase("db");
        builder.AddRedis("redis");
        builder.AddExecutable("sleeper", "sh", ".", "-c", "sleep 600");
        var app = await builder.BuildAsync(TestTimeouts.Short);
        await app.StartAsync(TestTimeouts.Start);
        foreach (var name in new[] { "db", "redis", "sleeper" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, TestTimeouts.Start);
        }
        var pids = app.ResourceNotifications.Current.SelectMany(s => s.ProcessIds).ToList();
        var ports = app.Resources.SelectMany(r => r.Annotations.OfKind<EndpointAnnotation>()).Select(e => e.Allocated!.Port).ToList();
        var dataDirectory = app.Options.DataDirectory!;
        Assert.Equal(3, pids.Count);
        Assert.All(pids, pid => Assert.True(Directory.Exists($"/proc/{pid}"), $"pid {pid} should be running"));

        await app.DisposeAsync();

        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"pid {pid} is still running after dispose"));
        Assert.All(ports, port => Assert.True(PortAllocator.IsFree(port), $"port {port} is still bound after dispose"));
        Assert.False(Directory.Exists(dataDirectory), "the throwaway data folder should be deleted");
        await builder.DisposeAsync();
    }

    [Fact]
    public async Task TwoAppsRunSideBySideWithoutPortOrDataClashes()
    {
        await using var first = await StartPostgresAppAsync();
        await using var second = await StartPostgresAppAsync();

        var a = await first.GetConnectionStringAsync("db", TestTimeouts.Short);
        var b = await second.GetConnectionStringAsync("db", TestTimeouts.Short);
        Assert.NotEqual(first.Options.DataDirectory, second.Options.DataDirectory);
        Assert.NotEqual(PortOf(first), PortOf(second));

        await ExecuteAsync(a!, "CREATE TABLE only_in_first (id int)");
        Assert.Equal(1L, await ExecuteAsync(a!, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'"));
        Assert.Equal(0L, await ExecuteAsync(b!, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'"));
    }

    private static async Task<DistributedApplication> StartPostgresAppAsync()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddPostgres("postgres").AddDatabase("db");
        var app = await builder.BuildAsync(TestTimeouts.Short);
        await app.StartAsync(TestTimeouts.Start);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("db", TestTimeouts.Start);
        return app;
    }

    private static int PortOf(DistributedApplication app) =>
        app.GetResource("postgres").Annotations.OfKind<EndpointAnnotation>().Single().Allocated!.Port;

    private static async Task<object?> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestTimeouts.Short);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestTimeouts.Short);
    }

    internal static async Task WaitForLogAsync(DistributedApplication app, string resource, string text)
    {
        var token = TestTimeouts.Short;
        while (!app.ResourceLogs.GetLines(resource).Any(l => l.Text.Contains(text, StringComparison.Ordinal)))
        {
            await Task.Delay(50, token);
        }
    }
}

public sealed class ReapingTests
{
    [Fact]
    public async Task TheNextStartReapsProcessesAnAppHostThatDiedHardLeftBehind()
    {
        var data = Path.Combine(Path.GetTempPath(), "op-reap-" + Guid.NewGuid().ToString("N")[..8]);
        var first = await StartSleeperAsync(data);
        var orphan = (await first.ResourceNotifications.WaitForResourceHealthyAsync("sleeper", TestTimeouts.Short)).ProcessIds.Single();
        // The first AppHost "dies": nobody stops its sleeper, which keeps running with its pid file in data/run.
        Assert.True(IsAlive(orphan));

        var second = await StartSleeperAsync(data);
        await second.ResourceNotifications.WaitForResourceHealthyAsync("sleeper", TestTimeouts.Short);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (IsAlive(orphan) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestTimeouts.Short);
        }
        var reaped = !IsAlive(orphan);
        await second.DisposeAsync();
        await first.DisposeAsync();
        Directory.Delete(data, recursive: true);
        Assert.True(reaped, $"pid {orphan} left by the first run is still alive");
    }

    // Alive = its /proc entry exists and is not a zombie; the entry can vanish between any two reads.
    private static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<DistributedApplication> StartSleeperAsync(string data)
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Options.IsTesting = false;
        builder.Options.ConsoleProgress = false;
        builder.Options.DataDirectory = data;
        builder.AddExecutable("sleeper", "sleep", ".", "600");
        var app = await builder.BuildAsync(TestTimeouts.Short);
        await app.StartAsync(TestTimeouts.Short);
        return app;
    }
}
