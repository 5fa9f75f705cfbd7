using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The dispatcher on the ContainerAppsJob backend: Azurite for the queue, the jobs ARM fake for executions.</summary>
public sealed class ContainerAppsJobDispatchTests(Storage storage)
{
    [Fact]
    public async Task AMessageRunsAsOneExecutionAndItsCompletionSaysWhyTheLogTailIsEmpty()
    {
        await using var arm = await FakeJobsArm.StartAsync();
        await using var scenario = await JobsScenarioAsync(arm);
        var sent = await scenario.SendAsync(Scenario.Echo("jobs-1", delayMs: 300));

        await Storage.EventuallyAsync(async () => !scenario.Receiver.Calls.IsEmpty && await scenario.ApproximateCountAsync(scenario.Queue) == 0,
            () => $"the webhook and the delete (starts {arm.StartRequests.Count})");

        Assert.Single(arm.JobPuts);
        var execution = Assert.Single(arm.Executions.Values);
        Assert.Equal("Succeeded", execution.Status);
        Assert.Equal(Scenario.Echo("jobs-1", delayMs: 300), execution.TaskData);
        Assert.Equal(sent.MessageId, execution.Env.Single(e => e!["name"]!.GetValue<string>() == "TASK_MESSAGE_ID")!["value"]!.GetValue<string>());
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal((sent.MessageId, "succeeded", 0, ""), (call.IdempotencyKey, call.Report.Outcome, call.Report.ExitCode, call.Report.LogTail));
        Assert.Contains("ARM has no log API", call.Report.LogTailNote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARestartedDispatcherAdoptsTheRunningExecutionAndNeverStartsASecond()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);
        await using var scenario = await JobsScenarioAsync(arm, start: false);
        var first = await StartAsync(scenario);
        var sent = await scenario.SendAsync(Scenario.Echo("jobs-adopt", delayMs: 5000));
        await Storage.EventuallyAsync(() => Task.FromResult(arm.Executions.Count == 1), () => "the first dispatcher's start");

        // A fresh process knows no execution names: the second dispatcher has to find the run in the list.
        await first.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Running", arm.Executions.Values.Single().Status);
        await StartAsync(scenario);

        await Storage.EventuallyAsync(async () => !scenario.Receiver.Calls.IsEmpty && await scenario.ApproximateCountAsync(scenario.Queue) == 0,
            () => $"the adopted execution's completion (starts {arm.StartRequests.Count})", 40);

        Assert.Single(arm.StartRequests);
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal((sent.MessageId, "succeeded"), (call.IdempotencyKey, call.Report.Outcome));
        Assert.True(call.Report.DequeueCount >= 2, $"delivery {call.Report.DequeueCount}: the message was not redelivered to the second dispatcher");
    }

    [Fact]
    public async Task ARunawayExecutionIsStoppedAndCountedAsAFailure()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);
        await using var scenario = await JobsScenarioAsync(arm, configure: s => s["TaskDispatch:MaxDequeueCount"] = "1");
        await scenario.SendAsync(Scenario.Echo("jobs-slow", delayMs: 600_000, timeoutSeconds: 1));

        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Poison) == 1 && !scenario.Receiver.Calls.IsEmpty,
            () => $"the poison queue and the final webhook (stops {arm.Stops.Count})", 40);

        var execution = Assert.Single(arm.Executions.Values);
        Assert.Equal([execution.Name], arm.Stops);
        Assert.Equal("Stopped", execution.Status);
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal(("timed-out", true, ""), (call.Report.Outcome, call.Report.Final, call.Report.LogTail));
        Assert.NotNull(call.Report.LogTailNote);
    }

    [Fact]
    public async Task AFailingExecutionIsRetriedAsANewExecutionUntilPoison()
    {
        await using var arm = await FakeJobsArm.StartAsync(jobExists: true);
        await using var scenario = await JobsScenarioAsync(arm, configure: s => s["TaskDispatch:MaxDequeueCount"] = "2");
        await scenario.SendAsync(Scenario.Echo("jobs-fails", exitCode: 4));

        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Poison) == 1 && !scenario.Receiver.Calls.IsEmpty,
            () => $"the poison queue (starts {arm.StartRequests.Count})", 40);

        Assert.Equal(2, arm.Executions.Count);
        Assert.All(arm.Executions.Values, e => Assert.Equal("Failed", e.Status));
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal(("failed", null, true), (call.Report.Outcome, call.Report.ExitCode, call.Report.Final));
    }

    [Fact]
    public async Task MissingOrMalformedSettingsStopTheDispatcherAtStartAndNameThemselves()
    {
        await using var arm = await FakeJobsArm.StartAsync();
        await using var scenario = await JobsScenarioAsync(arm, start: false, configure: s =>
        {
            s.Remove("TaskDispatch:ContainerAppsJob:ResourceGroup");
            s.Remove("TaskDispatch:ContainerAppsJob:EnvironmentId");
            s["TaskDispatch:ContainerAppsJob:JobName"] = "Tasks_Job";
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(scenario));

        Assert.Contains("TaskDispatch:ContainerAppsJob:ResourceGroup is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("TaskDispatch:ContainerAppsJob:EnvironmentId is required when CreateJob is true.", error.Message, StringComparison.Ordinal);
        Assert.Contains("TaskDispatch:ContainerAppsJob:JobName must be 2–31 lowercase letters", error.Message, StringComparison.Ordinal);
        Assert.Empty(arm.StartRequests);
    }

    private Task<Scenario> JobsScenarioAsync(FakeJobsArm arm, bool start = true, Action<Dictionary<string, string?>>? configure = null)
    {
        var options = ContainerAppsJobTests.JobOptions(arm.Endpoint);
        return Scenario.ForArmAsync(storage, new Dictionary<string, string?>
        {
            ["TaskDispatch:Backend"] = "ContainerAppsJob",
            ["TaskDispatch:ContainerAppsJob:SubscriptionId"] = options.SubscriptionId,
            ["TaskDispatch:ContainerAppsJob:ResourceGroup"] = options.ResourceGroup,
            ["TaskDispatch:ContainerAppsJob:Location"] = options.Location,
            ["TaskDispatch:ContainerAppsJob:EnvironmentId"] = options.EnvironmentId,
            ["TaskDispatch:ContainerAppsJob:IdentityId"] = options.IdentityId,
            ["TaskDispatch:ContainerAppsJob:RegistryServer"] = options.RegistryServer,
            ["TaskDispatch:ContainerAppsJob:ManagementEndpoint"] = arm.Endpoint.ToString(),
            ["TaskDispatch:ContainerAppsJob:AsyncPollInterval"] = "00:00:00.050",
        }, start, configure);
    }

    private static Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync(Scenario scenario) => scenario.StartArmDispatcherAsync();
}
