using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrderPlatform.TaskDispatcher.Backends;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The dispatcher on the Aci backend: Azurite for the queue, the ARM fake for container groups; the adoption table.</summary>
public sealed class AciDispatchTests(Storage storage)
{
    [Fact]
    public async Task AMessageBecomesOneContainerGroupThatIsDeletedAfterItsWebhook()
    {
        await using var arm = await FakeArm.StartAsync();
        await using var scenario = await AciScenarioAsync(arm);
        var sent = await scenario.SendAsync(Scenario.Echo("aci-1"));

        await Storage.EventuallyAsync(async () => !scenario.Receiver.Calls.IsEmpty && await scenario.ApproximateCountAsync(scenario.Queue) == 0 && arm.Store.IsEmpty,
            () => $"the webhook, the delete and the group's removal (puts {arm.Puts.Count}, groups {arm.Store.Count})");

        Assert.Equal(TaskNames.For($"{scenario.Prefix}acme", sent.MessageId), Assert.Single(arm.Puts).Name);
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal(("succeeded", 0), (call.Report.Outcome, call.Report.ExitCode));
        Assert.Contains("log of", call.Report.LogTail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Running", null, "succeeded")]
    [InlineData("Succeeded", 0, "succeeded")]
    public async Task AnExistingGroupIsAdoptedNeverCreatedAgain(string state, int? exitCode, string outcome)
    {
        await using var arm = await FakeArm.StartAsync();
        await using var scenario = await AciScenarioAsync(arm, start: false);
        var sent = await scenario.SendAsync(Scenario.Echo("aci-adopt"));
        arm.Seed(TaskNames.For($"{scenario.Prefix}acme", sent.MessageId), state, exitCode, DateTimeOffset.UtcNow);
        // The seeded group "runs" for a few polls before it ends, like one created by a dispatcher that died.
        arm.Store.Values.Single().Polls = 0;
        await StartAsync(scenario);

        await Storage.EventuallyAsync(async () => !scenario.Receiver.Calls.IsEmpty && await scenario.ApproximateCountAsync(scenario.Queue) == 0 && arm.Store.IsEmpty,
            () => $"completion of the adopted group (puts {arm.Puts.Count})");

        Assert.Empty(arm.Puts);
        Assert.Equal(outcome, Assert.Single(scenario.Receiver.Calls).Report.Outcome);
    }

    [Fact]
    public async Task AFailedGroupIsDeletedAndTheMessageRetriedUntilPoison()
    {
        await using var arm = await FakeArm.StartAsync();
        await using var scenario = await AciScenarioAsync(arm, configure: s => s["TaskDispatch:MaxDequeueCount"] = "2");
        await scenario.SendAsync(Scenario.Echo("aci-fails", exitCode: 4));

        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Poison) == 1 && !scenario.Receiver.Calls.IsEmpty,
            () => $"the poison queue (puts {arm.Puts.Count})");

        Assert.Equal(2, arm.Puts.Count);
        Assert.Empty(arm.Store);
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal(("failed", 4, true), (call.Report.Outcome, call.Report.ExitCode, call.Report.Final));
    }

    [Fact]
    public async Task TheCreatesLeftInTheQuotaWindowAreObserved()
    {
        await using var arm = await FakeArm.StartAsync();
        await using var scenario = await AciScenarioAsync(arm, start: false, configure: s => s["TaskDispatch:Aci:CreatesPerFiveMinutes"] = "10");
        var app = await StartAsync(scenario);
        using var measured = new Measurements(app.Services.GetRequiredService<IMeterFactory>());
        measured.Observe();
        Assert.Equal([10.0], measured.Values("taskdispatch.aci.creates.remaining", null));

        await scenario.SendAsync(Scenario.Echo("aci-counted-1"));
        await scenario.SendAsync(Scenario.Echo("aci-counted-2"));
        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Queue) == 0 && arm.Store.IsEmpty, () => $"both tasks to finish (puts {arm.Puts.Count})");

        measured.Observe();
        Assert.Equal(8.0, measured.Values("taskdispatch.aci.creates.remaining", null).Last());
    }

    private Task<Scenario> AciScenarioAsync(FakeArm arm, bool start = true, Action<Dictionary<string, string?>>? configure = null) =>
        Scenario.ForArmAsync(storage, new Dictionary<string, string?>
        {
            ["TaskDispatch:Backend"] = "Aci",
            ["TaskDispatch:Aci:SubscriptionId"] = "sub-1",
            ["TaskDispatch:Aci:ResourceGroup"] = "rg-tasks",
            ["TaskDispatch:Aci:Location"] = "westeurope",
            ["TaskDispatch:Aci:IdentityId"] = "/id/task-identity",
            ["TaskDispatch:Aci:RegistryServer"] = "registry.example.io",
            ["TaskDispatch:Aci:ManagementEndpoint"] = arm.Endpoint.ToString(),
            ["TaskDispatch:Aci:AsyncPollInterval"] = "00:00:00.050",
        }, start, configure);

    private static Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync(Scenario scenario) => scenario.StartArmDispatcherAsync();
}
