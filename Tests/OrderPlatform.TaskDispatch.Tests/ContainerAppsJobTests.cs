using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrderPlatform.TaskDispatcher.Backends;
using OrderPlatform.TaskDispatcher.Backends.Arm;
using OrderPlatform.TaskDispatcher.Backends.ContainerAppsJobs;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The Container Apps Jobs backend against the jobs ARM fake: job creation, start, poll, stop, throttling, finding a run again.</summary>
public sealed class ContainerAppsJobTests
{
    private static readonly TaskStartRequest Request = new("acme-0f8fad5bd9cb469fa16570867728950e", "acme", "0f8fad5b-d9cb-469f-a165-70867728950e", "echo",
        """{"taskId":"t-1","taskType":"echo","data":{"delayMs":300,"exitCode":0}}""");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMissingJobIsCreatedOnceAndEachRunIsAnExecutionStartedWithItsTaskDataAndPolledToSuccess()
    {
        await using var arm = await FakeJobsArm.StartAsync();
        var backend = Backend(arm);

        Assert.Null(await backend.GetAsync(Request.Name, Ct));
        await backend.StartAsync(Request, Ct);
        var states = await WatchAsync(backend, Request.Name);
        await backend.StartAsync(Request with { Name = "acme-second" }, Ct);

        Assert.Equal(TaskInstanceState.Running, states[0]);
        Assert.Equal(TaskInstanceState.Succeeded, states[^1]);
        Assert.True((await backend.GetAsync(Request.Name, Ct))!.Succeeded);
        var job = Assert.Single(arm.JobPuts);
        var configuration = job["properties"]!["configuration"]!;
        Assert.Equal(("Manual", 0, 3600), (configuration["triggerType"]!.GetValue<string>(), configuration["replicaRetryLimit"]!.GetValue<int>(), configuration["replicaTimeout"]!.GetValue<int>()));
        Assert.Equal("/id/task-identity", configuration["registries"]![0]!["identity"]!.GetValue<string>());
        Assert.Equal("UserAssigned", job["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("/subscriptions/sub-1/resourceGroups/rg-tasks/providers/Microsoft.App/managedEnvironments/env-1", job["properties"]!["environmentId"]!.GetValue<string>());
        var start = arm.StartRequests.First()["containers"]![0]!;
        Assert.Equal("registry.example.io/orderplatform-taskworker:latest", start["image"]!.GetValue<string>());
        Assert.Equal("1Gi", start["resources"]!["memory"]!.GetValue<string>());
        Assert.Equal(Request.TaskData, Variable(start, "TASK_DATA"));
        Assert.Equal(Request.Name, Variable(start, "TASK_NAME"));
        Assert.Equal(2, arm.Executions.Count);
        Assert.Equal("", await backend.GetLogTailAsync(Request.Name, 100, Ct));
        Assert.Contains("ARM has no log API", backend.NoLogTailReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExistingJobIsReusedAsItIsNeverPutOverAndItsImageRuns()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);

        await Backend(arm).StartAsync(Request, Ct);

        Assert.Empty(arm.JobPuts);
        Assert.Equal("registry.example.io/existing-worker:7", arm.StartRequests.Single()["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task AMissingJobThatMayNotBeCreatedIsANamedError()
    {
        await using var arm = await FakeJobsArm.StartAsync();

        var error = await Assert.ThrowsAsync<ArmException>(() => Backend(arm, o => o.CreateJob = false).StartAsync(Request, Ct));

        Assert.Contains("CreateJob is false", error.Message, StringComparison.Ordinal);
        Assert.Empty(arm.JobPuts);
        Assert.Empty(arm.StartRequests);
    }

    [Fact]
    public async Task AJobDeletedBehindTheDispatchersBackFailsOneStartAndIsCreatedAgainForTheNext()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);
        var backend = Backend(arm);
        await backend.StartAsync(Request, Ct);
        arm.JobResource = null;

        var error = await Assert.ThrowsAsync<ArmException>(() => backend.StartAsync(Request with { Name = "acme-2" }, Ct));
        await backend.StartAsync(Request with { Name = "acme-3" }, Ct);

        Assert.Equal(404, error.Status);
        Assert.Single(arm.JobPuts);
        Assert.Equal(2, arm.Executions.Count);
    }

    [Fact]
    public async Task AThrottledStartWaitsOutRetryAfterAndStartsOneExecution()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);
        arm.ThrottleNextStarts = 1;
        var started = DateTime.UtcNow;

        await Backend(arm).StartAsync(Request, Ct);

        Assert.Equal(2, arm.StartRequests.Count);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "the retry did not wait for Retry-After: 1");
        Assert.Single(arm.Executions);
    }

    [Fact]
    public async Task AFailedExecutionIsAFailureAndAfterwardsTheNameIsFreeForTheRetry()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);
        var backend = Backend(arm);
        var failing = Request with { TaskData = """{"taskId":"t-1","taskType":"echo","data":{"exitCode":3}}""" };

        await backend.StartAsync(failing, Ct);
        await WatchAsync(backend, failing.Name);
        var failed = await backend.GetAsync(failing.Name, Ct);
        await backend.DeleteAsync(failing.Name, Ct);

        Assert.Equal((TaskInstanceState.Failed, null), (failed!.State, failed.ExitCode));
        Assert.NotNull(failed.FinishedAt);
        Assert.Null(await backend.GetAsync(failing.Name, Ct));
        Assert.Null(await Backend(arm).GetAsync(failing.Name, Ct));
        Assert.Empty(arm.Stops);
    }

    [Fact]
    public async Task DeletingARunningExecutionStopsItAndReturnsOnceItIsStopped()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);
        var backend = Backend(arm);
        var slow = Request with { TaskData = """{"taskId":"t-1","taskType":"echo","data":{"delayMs":600000}}""" };
        await backend.StartAsync(slow, Ct);
        Assert.Equal(TaskInstanceState.Running, (await backend.GetAsync(slow.Name, Ct))!.State);

        await backend.DeleteAsync(slow.Name, Ct);

        var execution = arm.Executions.Values.Single();
        Assert.Equal([execution.Name], arm.Stops);
        Assert.Equal("Stopped", execution.Status);
        Assert.Null(await backend.GetAsync(slow.Name, Ct));
    }

    [Fact]
    public async Task AFreshBackendFindsTheRunningExecutionByItsRunNameAcrossListPages()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);
        arm.PageSize = 2;
        for (var i = 0; i < 5; i++)
        {
            arm.Seed($"acme-other-{i}", "Running");
        }

        arm.Seed(Request.Name, "Failed");
        var running = arm.Seed(Request.Name, "Running", """{"data":{"delayMs":600000}}""");

        var found = await Backend(arm).GetAsync(Request.Name, Ct);

        Assert.NotNull(found);
        Assert.Equal(TaskInstanceState.Running, found.State);
        Assert.Null(await Backend(arm).GetAsync("acme-never-started", Ct));
        await Backend(arm).DeleteAsync(Request.Name, Ct);
        Assert.Equal([running.Name], arm.Stops);
    }

    [Theory]
    [InlineData("Running", TaskInstanceState.Running)]
    [InlineData("Processing", TaskInstanceState.Running)]
    [InlineData("Succeeded", TaskInstanceState.Succeeded)]
    [InlineData("Failed", TaskInstanceState.Failed)]
    [InlineData("Degraded", TaskInstanceState.Failed)]
    [InlineData("Stopped", TaskInstanceState.Stopped)]
    [InlineData("Unknown", TaskInstanceState.Pending)]
    public void ExecutionStatusesMapOntoInstanceStates(string status, TaskInstanceState state)
    {
        var instance = JobShapes.State("acme-1", new JsonObject { ["properties"] = new JsonObject { ["status"] = status } });

        Assert.Equal(state, instance.State);
        Assert.Equal(status == "Succeeded" ? 0 : null, instance.ExitCode);
    }

    internal static ContainerAppsJobOptions JobOptions(Uri endpoint) => new()
    {
        SubscriptionId = "sub-1",
        ResourceGroup = "rg-tasks",
        Location = "westeurope",
        EnvironmentId = "/subscriptions/sub-1/resourceGroups/rg-tasks/providers/Microsoft.App/managedEnvironments/env-1",
        IdentityId = "/id/task-identity",
        RegistryServer = "registry.example.io",
        ManagementEndpoint = endpoint,
        AsyncPollInterval = TimeSpan.FromMilliseconds(20),
    };

    private static string Variable(JsonNode container, string name) =>
        container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == name)!["value"]!.GetValue<string>();

    private static async Task<List<TaskInstanceState>> WatchAsync(ITaskBackend backend, string name)
    {
        var states = new List<TaskInstanceState>();
        for (var i = 0; i < 200 && (states.Count == 0 || states[^1] is TaskInstanceState.Running or TaskInstanceState.Pending); i++)
        {
            states.Add((await backend.GetAsync(name, Ct))!.State);
            await Task.Delay(20, Ct);
        }

        return states;
    }

    private static ContainerAppsJobBackend Backend(FakeJobsArm arm, Action<ContainerAppsJobOptions>? configure = null)
    {
        var options = JobOptions(arm.Endpoint);
        configure?.Invoke(options);
        var client = new ArmClient(new HttpClient(), new AciTests.StaticToken(), options.ManagementEndpoint, TimeProvider.System, NullLogger<ArmClient>.Instance);
        return new ContainerAppsJobBackend(client, Options.Create(options), TimeProvider.System, NullLogger<ContainerAppsJobBackend>.Instance);
    }
}
