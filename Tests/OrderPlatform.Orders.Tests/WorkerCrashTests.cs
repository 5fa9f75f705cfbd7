using OrderPlatform.Contracts;
using OrderPlatform.Tests;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>The Worker as a real process that dies by SIGKILL in the middle of an activity.</summary>
public sealed class WorkerCrashTests(WorkflowFixture fixture, Infrastructure infrastructure) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillingTheWorkerProcessInsideTheZohoCreateAndStartingANewOneCompletesTheCaseWithOneDraft()
    {
        var queue = $"orders-crash-{Guid.NewGuid():N}";
        var settings = Settings(queue);
        var handle = await fixture.StartCaseAsync(Workbooks.Order("10234", "PO-600", Workbooks.KnownLines), taskQueue: queue);
        // Zoho stores the order and then never answers: the worker dies not knowing whether the draft exists.
        var held = fixture.Zoho.HoldCreate(handle.Id);

        using (var first = ServiceProcess.Start("OrderPlatform.Worker", settings))
        {
            await WaitAsync(held, TimeSpan.FromSeconds(90), () => $"the first worker to call Zoho's create{Environment.NewLine}{first.Output}");
            await first.KillAsync();
        }

        using var second = ServiceProcess.Start("OrderPlatform.Worker", settings);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // The heartbeat timeout (15 s) hands the attempt to the new worker; without heartbeats it would wait for the
        // whole attempt timeout (2 min) and miss this bound.
        timeout.CancelAfter(TimeSpan.FromSeconds(45));
        OrderWorkflowResult result;
        try
        {
            result = await handle.GetResultAsync<OrderWorkflowResult>(rpcOptions: new RpcOptions { CancellationToken = timeout.Token });
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            var events = await fixture.Worker.Cases.GetEventsAsync(handle.Id, Ct);
            Assert.Fail($"no result; trail: {string.Join(" | ", events.Select(e => $"{e.Step} {e.To} {e.Detail}"))}{Environment.NewLine}{second.Output}");
            throw;
        }

        Assert.Equal(CaseStatus.Completed, result.Status);
        var order = Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
        Assert.Equal(order["salesorder_id"]!.ToString(), result.SalesOrderId);
        var stored = await fixture.Worker.Cases.FindAsync(handle.Id, Ct);
        Assert.True(stored!.Draft!.Reused, "the retry must find the draft the killed worker created, not make another");
        var history = await handle.FetchHistoryAsync(new WorkflowHistoryEventFetchOptions { Rpc = new RpcOptions { CancellationToken = Ct } });
        Assert.Contains(history.Events, e => e.ActivityTaskStartedEventAttributes is { Attempt: > 1 } started
            && started.LastFailure?.TimeoutFailureInfo?.TimeoutType == TimeoutType.Heartbeat);
    }

    /// <summary>What the AppHost would inject, plus the Zoho fake; the Zoho attempt and heartbeat timeouts are the production defaults.</summary>
    private Dictionary<string, string?> Settings(string queue)
    {
        var settings = infrastructure.ServiceSettings(queue);
        settings["Catalog:Seed"] = "false";
        settings["Catalog:Sync"] = "false";
        settings["Orders:ZohoRetryInterval"] = "00:00:00.500";
        settings["Zoho:ClientId"] = FakeZoho.ClientId;
        settings["Zoho:ClientSecret"] = FakeZoho.ClientSecret;
        settings["Zoho:RefreshToken"] = FakeZoho.RefreshToken;
        settings["Zoho:OrganizationId"] = FakeZoho.Organization;
        settings["Zoho:AccountsUrl"] = fixture.Zoho.Address.ToString();
        settings["Zoho:UnknownOutcomeSettleDelay"] = "00:00:00.200";
        return settings;
    }

    private static async Task WaitAsync(Task task, TimeSpan limit, Func<string> what)
    {
        if (await Task.WhenAny(task, Task.Delay(limit, Ct)) != task)
        {
            Assert.Fail($"timed out waiting for {what()}");
        }
    }
}
