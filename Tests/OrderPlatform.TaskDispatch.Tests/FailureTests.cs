namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>Failed attempts against Azurite: released and retried, poisoned at the fifth with a final webhook; time-outs killed.</summary>
public sealed class FailureTests(Storage storage)
{
    [Fact]
    public async Task ATaskFailingFiveTimesLandsInPoisonWithAFinalWebhook()
    {
        await using var scenario = await new Scenario(storage).CreateAsync();
        await scenario.StartDispatcherAsync();
        var sent = await scenario.SendAsync(Scenario.Echo("fails-1", exitCode: 3));

        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Poison) == 1, () => $"the poison queue (starts {scenario.Starts})", 60);
        await Storage.EventuallyAsync(() => Task.FromResult(!scenario.Receiver.Calls.IsEmpty), () => "the final webhook");

        Assert.Equal(5, scenario.Starts);
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal(sent.MessageId, call.IdempotencyKey);
        Assert.Equal(("failed", 3, 5L, true), (call.Report.Outcome, call.Report.ExitCode, call.Report.DequeueCount, call.Report.Final));
        Assert.Equal(0, await scenario.ApproximateCountAsync(scenario.Queue));
        var poisoned = (await scenario.Poison.ReceiveMessageAsync(cancellationToken: TestContext.Current.CancellationToken)).Value;
        Assert.Equal(Scenario.Echo("fails-1", exitCode: 3), poisoned.Body.ToString());
    }

    [Fact]
    public async Task ATaskPastItsTimeoutIsKilledAndCountsAsAFailure()
    {
        await using var scenario = await new Scenario(storage).CreateAsync(configure: s => s["TaskDispatch:MaxDequeueCount"] = "1");
        await scenario.StartDispatcherAsync();
        await scenario.SendAsync(Scenario.Echo("slow-1", delayMs: 120_000, timeoutSeconds: 2));

        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Poison) == 1, () => $"the poison queue (starts {scenario.Starts})", 40);
        await Storage.EventuallyAsync(() => Task.FromResult(!scenario.Receiver.Calls.IsEmpty), () => "the final webhook");

        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal(("timed-out", true), (call.Report.Outcome, call.Report.Final));
        Assert.DoesNotContain("done", call.Report.LogTail, StringComparison.Ordinal);
        Assert.Empty(scenario.RunPids());
        Assert.Empty(Directory.EnumerateDirectories(scenario.StateDirectory));
    }
}
