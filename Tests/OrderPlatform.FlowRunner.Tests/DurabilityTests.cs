using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrderPlatform.FlowRunner.Data;
using OrderPlatform.FlowRunner.Queue;
using OrderPlatform.FlowRunner.Runs;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class DurabilityTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject TwoSteps => Flow(
        Code("first", "return { marker: 'executed' };"),
        Code("second", "return { saw: input.m };", new JsonObject { ["m"] = "{{first.marker}}" }));

    /// <summary>
    /// A worker that died mid-run leaves its run RUNNING with a lease nobody renews and its first step logged; the state
    /// is written as that worker would have left it, then the reaper and another worker take over.
    /// </summary>
    [Fact]
    public async Task ARunWhoseWorkerDiedResumesFromItsLastCompletedStep()
    {
        var flowId = await _host.CreateFlowAsync(TwoSteps);
        var store = _host.Get<RunStore>();
        var versionId = (await _host.Get<OrderPlatform.FlowRunner.Flows.FlowStore>().WebhookTargetAsync(flowId, false, Ct))!.VersionId;
        var (runId, _) = await store.CreateAsync(new NewRun(flowId, versionId, false, null, "POST", [], [], null, []), Ct);
        Assert.NotNull(await store.ClaimAsync(runId, "dead-worker", TimeSpan.FromMinutes(10), Ct));
        await store.LogStepAsync(runId, "first", 1, StepStatus.Succeeded, DateTimeOffset.UtcNow, null, new JsonObject { ["marker"] = "from-the-log" }, null, Ct);
        await store.ExecuteAsync("UPDATE flow_run SET lease_expires_at = now() - interval '1 second' WHERE id = $1", Ct, runId);

        var run = await _host.WaitForEndAsync(runId, 15);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Attempt);
        var steps = await _host.Get<RunQueries>().StepsAsync(runId, Ct);
        Assert.Equal(["first", "second"], steps.Select(s => s.Name));
        Assert.Equal("from-the-log", steps[1].Output!["saw"]!.GetValue<string>());
    }

    [Fact]
    public async Task ALateWorkerCannotOverwriteATerminalStatus()
    {
        var flowId = await _host.CreateFlowAsync(TwoSteps, publish: true);
        var store = _host.Get<RunStore>();
        var versionId = (await _host.Get<OrderPlatform.FlowRunner.Flows.FlowStore>().WebhookTargetAsync(flowId, false, Ct))!.VersionId;
        var (runId, _) = await store.CreateAsync(new NewRun(flowId, versionId, false, null, "POST", [], [], null, []), Ct);
        Assert.NotNull(await store.ClaimAsync(runId, "worker-a", TimeSpan.FromMinutes(10), Ct));
        Assert.Null(await store.ClaimAsync(runId, "worker-b", TimeSpan.FromMinutes(10), Ct));
        Assert.False(await store.FinishAsync(runId, "worker-b", RunStatus.Succeeded, null, null, Ct));
        Assert.True(await store.CancelAsync(runId, Ct));
        Assert.False(await store.FinishAsync(runId, "worker-a", RunStatus.Succeeded, null, null, Ct));
        Assert.False(await store.RenewAsync(runId, "worker-a", Ct));
        Assert.False(await store.CancelAsync(runId, Ct));
        Assert.Equal(RunStatus.Canceled, await store.StatusAsync(runId, Ct));
    }

    [Fact]
    public async Task ARunDeliveredFiveTimesIsDeadLettered()
    {
        var flowId = await _host.CreateFlowAsync(TwoSteps);
        var store = _host.Get<RunStore>();
        var versionId = (await _host.Get<OrderPlatform.FlowRunner.Flows.FlowStore>().WebhookTargetAsync(flowId, false, Ct))!.VersionId;
        var (runId, _) = await store.CreateAsync(new NewRun(flowId, versionId, false, null, "POST", [], [], null, []), Ct);
        await store.ExecuteAsync("UPDATE flow_run SET attempt = 5 WHERE id = $1", Ct, runId);
        var deadBefore = (await _host.Get<RunQueue>().DepthsAsync()).Dead;
        await _host.Get<RunQueue>().EnqueueAsync(runId, sync: false);

        var run = await _host.WaitForEndAsync(runId);
        Assert.Equal(RunStatus.InternalError, run.Status);
        Assert.Equal("DEAD_LETTERED", run.Error!["type"]!.GetValue<string>());
        // The run's terminal status is written before the entry moves to the dead-letter stream: under load the test
        // can read the depth in between, so it waits for the entry (a few seconds at most), not a fixed moment.
        var dead = deadBefore;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); dead == deadBefore && DateTime.UtcNow < deadline; await Task.Delay(100, Ct))
        {
            dead = (await _host.Get<RunQueue>().DepthsAsync()).Dead;
        }

        Assert.Equal(deadBefore + 1, dead);
    }

    [Fact]
    public async Task AQueuedRunWhoseEnqueueWasLostIsQueuedAgainByTheReaper()
    {
        var flowId = await _host.CreateFlowAsync(TwoSteps);
        var store = _host.Get<RunStore>();
        var versionId = (await _host.Get<OrderPlatform.FlowRunner.Flows.FlowStore>().WebhookTargetAsync(flowId, false, Ct))!.VersionId;
        // Stored, never put on the queue: what a webhook accepted while Redis was down leaves behind.
        var (runId, _) = await store.CreateAsync(new NewRun(flowId, versionId, false, null, "POST", [], [], null, []), Ct);
        await store.ExecuteAsync("UPDATE flow_run SET enqueued_at = now() - interval '2 minutes' WHERE id = $1", Ct, runId);
        Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(runId, 15)).Status);
    }

    [Fact]
    public async Task TwoReplicasMigratingAtOnceApplyEachScriptOnce()
    {
        var database = await infrastructure.CreateDatabaseAsync();
        await using var source = NpgsqlDataSource.Create(database);
        var migrators = Enumerable.Range(0, 3).Select(_ => new Migrator(source, NullLogger<Migrator>.Instance).StartAsync(Ct));
        await Task.WhenAll(migrators);

        await using var command = source.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)Migrator.Scripts().Count(), (long)(await command.ExecuteScalarAsync(Ct))!);
        await new Migrator(source, NullLogger<Migrator>.Instance).StartAsync(Ct);
        Assert.Equal((long)Migrator.Scripts().Count(), (long)(await command.ExecuteScalarAsync(Ct))!);
    }
}
