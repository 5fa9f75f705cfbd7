namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The invariant: a message is deleted only once its completion is recorded, by the webhook or the outbox.</summary>
public sealed class CompletionTests(Storage storage)
{
    [Fact]
    public async Task WithTheReceiverDownTheCompletionWaitsInTheOutboxAndIsDeliveredOnce()
    {
        await using var scenario = await new Scenario(storage).CreateAsync(receiverUp: false);
        await scenario.StartDispatcherAsync();
        var outbox = storage.BlobService.GetBlobContainerClient($"{scenario.Prefix}-outbox");
        var sent = await scenario.SendAsync(Scenario.Echo("outbox-1"));

        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Queue) == 0, () => $"the message to be deleted (starts {scenario.Starts})");
        // Deleted only after the completion was kept: the outbox holds it while the receiver is down.
        Assert.True(await outbox.GetBlobClient($"{sent.MessageId}.json").ExistsAsync(TestContext.Current.CancellationToken), "the message was deleted with no completion recorded");

        await scenario.Receiver.StartAsync();
        await Storage.EventuallyAsync(() => Task.FromResult(!scenario.Receiver.Calls.IsEmpty), () => "the outbox to deliver");
        await Storage.EventuallyAsync(async () => !await outbox.GetBlobClient($"{sent.MessageId}.json").ExistsAsync(TestContext.Current.CancellationToken), () => "the outbox entry to go");
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal((sent.MessageId, "succeeded", true), (call.IdempotencyKey, call.Report.Outcome, call.SignatureValid));
        Assert.Equal(1, scenario.Starts);
    }

    [Fact]
    public async Task WithNowhereToRecordTheCompletionTheMessageStaysAndTheTaskIsNotRunAgain()
    {
        // An invalid container name: the outbox refuses every write, so nothing can record the completion.
        await using var scenario = await new Scenario(storage).CreateAsync(receiverUp: false, configure: s => s["TaskDispatch:Webhooks:OutboxContainer"] = "Not_A_Container");
        await scenario.StartDispatcherAsync();
        var sent = await scenario.SendAsync(Scenario.Echo("stays-1"));

        await Storage.EventuallyAsync(() => Task.FromResult(scenario.Starts == 1), () => "the run to start");
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        Assert.Equal(1, await scenario.ApproximateCountAsync(scenario.Queue));

        await scenario.Receiver.StartAsync();
        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Queue) == 0, () => "the message to be deleted once the receiver answers");

        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal((sent.MessageId, "succeeded"), (call.IdempotencyKey, call.Report.Outcome));
        // Every redelivery found the finished run and only retried the completion.
        Assert.True(call.Report.DequeueCount > 1, $"expected a redelivery, got dequeue count {call.Report.DequeueCount}");
        Assert.Equal(1, scenario.Starts);
    }
}
