using System.Text;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>Leases against Azurite: renewal with the newest receipt, two dispatchers on one queue, poison at once.</summary>
public sealed class LeaseTests(Storage storage)
{
    [Fact]
    public async Task ATaskLongerThanTheVisibilityTimeoutRunsOnceWhileASecondDispatcherPolls()
    {
        await using var scenario = await new Scenario(storage).CreateAsync();
        await scenario.StartDispatcherAsync();
        await scenario.StartDispatcherAsync();

        // 5 s of work against a 2 s visibility: without renewal the message reappears twice and the other dispatcher runs it.
        var sent = await scenario.SendAsync(Scenario.Echo("long-1", delayMs: 5000));
        await Storage.EventuallyAsync(() => Task.FromResult(!scenario.Receiver.Calls.IsEmpty), () => $"a webhook (starts {scenario.Starts})", 40);
        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Queue) == 0, () => "the message to be deleted");
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

        Assert.Equal(1, scenario.Starts);
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.True(call.SignatureValid, "the webhook's HMAC signature did not verify with the shared key");
        Assert.Equal(sent.MessageId, call.IdempotencyKey);
        Assert.Equal(("succeeded", 0, "long-1"), (call.Report.Outcome, call.Report.ExitCode, call.Report.TaskId));
        // Delivered once: every renewal kept the message invisible with the receipt the previous one returned.
        Assert.Equal(1, call.Report.DequeueCount);
        Assert.Contains("echo long-1: done", call.Report.LogTail, StringComparison.Ordinal);
        Assert.Equal(0, await scenario.ApproximateCountAsync(scenario.Queue));
    }

    [Fact]
    public async Task UndecodableInvalidAndDisallowedMessagesGoStraightToPoisonWhileBase64Runs()
    {
        await using var scenario = await new Scenario(storage).CreateAsync();
        await scenario.StartDispatcherAsync();
        string[] bad =
        [
            "%%% neither json nor base64 ###",
            """{"taskId":"no-type","data":{}}""",
            """{"taskId":"ssrf","taskType":"echo","data":{},"webhookUrl":"http://169.254.169.254/latest/meta-data"}""",
        ];
        foreach (var text in bad)
        {
            await scenario.SendAsync(text);
        }

        await scenario.SendAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(Scenario.Echo("b64-1"))));

        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Poison) == 3 && !scenario.Receiver.Calls.IsEmpty,
            () => $"three poisoned and one webhook (poison {scenario.ApproximateCountAsync(scenario.Poison).Result}, calls {scenario.Receiver.Calls.Count})");
        var poisoned = (await scenario.Poison.ReceiveMessagesAsync(32, cancellationToken: TestContext.Current.CancellationToken)).Value;
        Assert.Equal(bad.Order(), poisoned.Select(m => m.Body.ToString()).Order());
        Assert.All(poisoned, m => Assert.Equal(1, m.DequeueCount));
        Assert.Equal("b64-1", Assert.Single(scenario.Receiver.Calls).Report.TaskId);
        Assert.Equal(1, scenario.Starts);
        await Storage.EventuallyAsync(async () => await scenario.ApproximateCountAsync(scenario.Queue) == 0, () => "the task queue to empty");
    }
}
