using OrderPlatform.Tests;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The dispatcher killed with SIGKILL mid-task: the next one adopts the run instead of starting another.</summary>
public sealed class RestartTests(Storage storage)
{
    [Fact]
    public async Task AKilledDispatchersRunIsAdoptedOnRestartAndTheMessageDeletedOnce()
    {
        await using var scenario = await new Scenario(storage).CreateAsync();
        var sent = await scenario.SendAsync(Scenario.Echo("adopt-1", delayMs: 4000));
        using (var first = Dispatcher(scenario))
        {
            // The journal line is written just before the process is spawned: wait for the process, or the kill can
            // land in between and leave no run to adopt.
            await Storage.EventuallyAsync(() => Task.FromResult(scenario.Starts == 1 && scenario.RunPids().Count > 0), () => $"the first dispatcher to start the run:\n{first.Output}");
            await first.KillAsync();
        }

        Assert.NotEmpty(scenario.RunPids());
        using var second = Dispatcher(scenario);
        await Storage.EventuallyAsync(() => Task.FromResult(!scenario.Receiver.Calls.IsEmpty), () => $"the webhook:\n{second.Output}", 40);
        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Queue) == 0, () => "the message to be deleted");
        await Task.Delay(2500, TestContext.Current.CancellationToken);

        Assert.Equal(1, scenario.Starts);
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal((sent.MessageId, "succeeded", 2L), (call.IdempotencyKey, call.Report.Outcome, call.Report.DequeueCount));
        Assert.Contains("Adopting", second.Output, StringComparison.Ordinal);
        Assert.Equal(0, await scenario.ApproximateCountAsync(scenario.Queue));
        Assert.Empty(scenario.RunPids());
    }

    // The dispatcher as built in its own project's output (the TaskWorker next to it); its kill leaves the run alive.
    private static ServiceProcess Dispatcher(Scenario scenario) => ServiceProcess.Start("OrderPlatform.TaskDispatcher", scenario.Settings, killTree: false);
}
