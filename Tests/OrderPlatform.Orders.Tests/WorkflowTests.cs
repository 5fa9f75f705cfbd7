using Azure.Storage.Blobs;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>The real Worker against the embedded Temporal server, with the Zoho fake as Zoho Books.</summary>
public sealed class WorkflowFixture(Infrastructure infrastructure) : IAsyncLifetime
{
    public string TaskQueue { get; } = $"orders-wf-{Guid.NewGuid():N}";

    public FakeZoho Zoho { get; private set; } = null!;

    public WorkerHost Worker { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Zoho = await FakeZoho.StartAsync(TestContext.Current.CancellationToken);
        Worker = new WorkerHost(infrastructure, TaskQueue, Zoho);
        await Worker.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await Zoho.DisposeAsync();
    }

    /// <summary>What the Api does on upload: the blob at its canonical name, the case, the workflow.</summary>
    public async Task<WorkflowHandle> StartCaseAsync(byte[] file, TimeSpan? deadline = null, TimeSpan? reminder = null, string? taskQueue = null,
        string? tenantId = null, ConversationReference? conversation = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var caseId = $"CASE-{Guid.NewGuid():N}";
        var tenant = tenantId ?? $"tenant-{Guid.NewGuid():N}";
        var container = new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient("orders");
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        var blob = container.GetBlobClient($"{tenant}/{caseId}/original.xlsx");
        await blob.UploadAsync(new BinaryData(file), ct);
        await Worker.Cases.CreateAsync(new CaseDocument { Id = caseId, TenantId = tenant, UserId = "user-1", Conversation = conversation },
            new CaseEventDraft("user-1", "receive", "test upload"), ct);
        var input = new OrderWorkflowInput(caseId, tenant, "user-1", blob.Uri.AbsoluteUri, "Bestellung.xlsx",
            CorrectionsDeadline: deadline, ReminderAfter: reminder);
        return await infrastructure.Client.StartWorkflowAsync(OrderWorkflow.Name, [input], new WorkflowOptions(caseId, taskQueue ?? TaskQueue));
    }

    public async Task<CaseDocument> CaseAsync(string caseId) => (await Worker.Cases.FindAsync(caseId, TestContext.Current.CancellationToken))!;

    /// <summary>Polls the case until it has <paramref name="status"/>; fails at once if it ended otherwise.</summary>
    public async Task<CaseDocument> WaitForStatusAsync(WorkflowHandle handle, CaseStatus status)
    {
        CaseDocument? last = null;
        await Infrastructure.EventuallyAsync(async () =>
        {
            last = await CaseAsync(handle.Id);
            Assert.False(last.Status is CaseStatus.Failed or CaseStatus.Completed && status != last.Status, $"{handle.Id} ended {last.Status}: {last.Error}");
            return last.Status == status;
        }, () => $"{handle.Id} to reach {status} (last {last?.Status} at {last?.Step}){Environment.NewLine}{Worker.Logs.Text}");
        return last!;
    }

    /// <summary>The workflow's result within a minute, or a failure that shows the case, its trail and the Worker's log.</summary>
    public async Task<OrderWorkflowResult> ResultAsync(WorkflowHandle handle)
    {
        var ct = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            return await handle.GetResultAsync<OrderWorkflowResult>(rpcOptions: new RpcOptions { CancellationToken = timeout.Token });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var events = await Worker.Cases.GetEventsAsync(handle.Id, ct);
            Assert.Fail($"no result for {handle.Id}; trail: {string.Join(" | ", events.Select(e => $"{e.Step} {e.To} {e.Detail}"))}{Environment.NewLine}{Worker.Logs.Text}");
            throw;
        }
    }
}

public sealed class WorkflowTests(WorkflowFixture fixture, Infrastructure infrastructure) : IClassFixture<WorkflowFixture>
{
    private static readonly Workbooks.Line Unknown = new("ZZ-404", "Sonderanfertigung Halter", 3, "Stk", 12.5m);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<WorkflowHandle> StartAsync(byte[] file, TimeSpan? deadline = null, TimeSpan? reminder = null, string? taskQueue = null) =>
        fixture.StartCaseAsync(file, deadline, reminder, taskQueue);

    private async Task<OrderWorkflowStatus> WaitForQuestionsAsync(WorkflowHandle handle)
    {
        OrderWorkflowStatus? status = null;
        await Infrastructure.EventuallyAsync(async () =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            status = await handle.QueryAsync<OrderWorkflowStatus>(OrderWorkflow.StatusQuery, [],
                new WorkflowQueryOptions { Rpc = new RpcOptions { CancellationToken = timeout.Token } });
            Assert.NotEqual(CaseStatus.Failed, status.Status);
            return status.Status == CaseStatus.AwaitingCorrections;
        }, () => $"the workflow to ask for corrections (last {status}){Environment.NewLine}{fixture.Worker.Logs.Text}");
        return status!;
    }

    private Task<OrderWorkflowResult> ResultAsync(WorkflowHandle handle) => fixture.ResultAsync(handle);

    private Task<CaseDocument> CaseAsync(string caseId) => fixture.CaseAsync(caseId);

    [Fact]
    public async Task AConfidentOrderGetsOneDraftEvenWhenTheCreateTimesOutAndTheActivityIsRetried()
    {
        var handle = await StartAsync(Workbooks.Order("10234", "PO-100", Workbooks.KnownLines));
        // The create lands but answers after the client's 1 s timeout; the lookup that follows fails once, so the
        // activity itself fails and Temporal retries it. Only lookups by reference may find the order from then on.
        fixture.Zoho.AnswerCreateLate(handle.Id, TimeSpan.FromSeconds(3));
        fixture.Zoho.FailLookupsAfterCreate(handle.Id, 1);

        var result = await ResultAsync(handle);

        Assert.Equal(CaseStatus.Completed, result.Status);
        Assert.False(result.DryRun);
        var order = Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
        Assert.Equal(order["salesorder_id"]!.ToString(), result.SalesOrderId);
        Assert.Equal(TestCatalog.Customer, order["customer_id"]!.ToString());
        Assert.Equal([TestCatalog.Screw, TestCatalog.Nut, TestCatalog.Cable, TestCatalog.LongScrew], order["line_items"]!.AsArray().Select(l => l!["item_id"]!.ToString()));
        var stored = await CaseAsync(handle.Id);
        Assert.Equal(CaseStatus.Completed, stored.Status);
        Assert.True(stored.Draft!.Reused);
        var events = await fixture.Worker.Cases.GetEventsAsync(handle.Id, Ct);
        Assert.Single(events, e => e.Step == "create-zoho-draft");

        await RecordedHistories.SaveIfRequestedAsync(handle, "happy-path");
    }

    [Fact]
    public async Task AnUnsureOrderWaitsForCorrectionsAndThenCreatesTheDraft()
    {
        var handle = await StartAsync(Workbooks.Order("10234", "PO-200", [.. Workbooks.KnownLines, Unknown]));

        var waiting = await WaitForQuestionsAsync(handle);
        Assert.Equal(1, waiting.QuestionCount);
        var question = Assert.Single((await CaseAsync(handle.Id)).Questions!);
        Assert.Equal("itemId", question.Field);
        Assert.Equal(9, question.RowNumber);
        Assert.Equal(CaseStatus.AwaitingCorrections, (await CaseAsync(handle.Id)).Status);

        await handle.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string>(), [new LineCorrection(9, ItemId: TestCatalog.Nut, Quantity: 4)]))]);
        var result = await ResultAsync(handle);

        Assert.Equal(CaseStatus.Completed, result.Status);
        var order = Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
        var last = order["line_items"]!.AsArray()[^1]!;
        Assert.Equal(TestCatalog.Nut, last["item_id"]!.ToString());
        Assert.Equal(4m, last["quantity"]!.GetValue<decimal>());
        var events = await fixture.Worker.Cases.GetEventsAsync(handle.Id, Ct);
        Assert.Contains(events, e => e.To == CaseStatus.AwaitingCorrections);
        Assert.Contains(events, e => e.To == CaseStatus.Corrected && e.Actor == "anna");

        await RecordedHistories.SaveIfRequestedAsync(handle, "corrections-round");
    }

    [Fact]
    public async Task WhenNobodyAnswersBeforeTheDeadlineTheCaseNeedsAttentionAfterOneReminder()
    {
        var handle = await StartAsync(Workbooks.Order("10234", "PO-300", [Unknown]), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));

        var result = await ResultAsync(handle);

        Assert.Equal(CaseStatus.NeedsAttention, result.Status);
        var stored = await CaseAsync(handle.Id);
        Assert.Equal(CaseStatus.NeedsAttention, stored.Status);
        Assert.Equal("CorrectionsDeadline", stored.ErrorCode);
        var events = await fixture.Worker.Cases.GetEventsAsync(handle.Id, Ct);
        Assert.Single(events, e => e.Detail == "reminder sent");
        Assert.Empty(fixture.Zoho.OrdersFor(handle.Id));

        await RecordedHistories.SaveIfRequestedAsync(handle, "deadline");
    }

    [Fact]
    public async Task CancellingAWaitingCaseEndsItAsCancelled()
    {
        var handle = await StartAsync(Workbooks.Order("10234", "PO-400", [Unknown]));
        await WaitForQuestionsAsync(handle);

        await handle.SignalAsync(SignalNames.Cancel, [new SignalRequest(SignalNames.Cancel, "anna", Reason: "sent twice")]);
        var result = await ResultAsync(handle);

        Assert.Equal(CaseStatus.Cancelled, result.Status);
        var stored = await CaseAsync(handle.Id);
        Assert.Equal(CaseStatus.Cancelled, stored.Status);
        Assert.Contains("sent twice", stored.Error);
        Assert.Empty(fixture.Zoho.OrdersFor(handle.Id));

        await RecordedHistories.SaveIfRequestedAsync(handle, "cancel");
    }

    [Fact]
    public async Task ABadFileFailsTheCaseAtOnceWithASentenceForTheUser()
    {
        var handle = await StartAsync("<!DOCTYPE html><html>sign in to view</html>"u8.ToArray());

        var result = await ResultAsync(handle);

        Assert.Equal(CaseStatus.Failed, result.Status);
        var stored = await CaseAsync(handle.Id);
        Assert.Equal("BadSpreadsheet", stored.ErrorCode);
        Assert.Contains("link, not the file", stored.Error);
        var history = await handle.FetchHistoryAsync();
        Assert.Single(history.Events, e => e.ActivityTaskScheduledEventAttributes?.ActivityType.Name == "parse-excel");

        await RecordedHistories.SaveIfRequestedAsync(handle, "bad-file");
    }

    [Fact]
    public async Task AWaitingCaseSurvivesAWorkerRestartAndANewWorkerFinishesIt()
    {
        var queue = $"orders-restart-{Guid.NewGuid():N}";
        var first = new WorkerHost(infrastructure, queue, fixture.Zoho);
        await first.StartAsync();
        var handle = await StartAsync(Workbooks.Order("10234", "PO-500", [.. Workbooks.KnownLines, Unknown]), taskQueue: queue);
        await WaitForQuestionsAsync(handle);
        await first.DisposeAsync();

        // The new process has no cached run: it replays the history (so the workflow must be deterministic) and goes on.
        await using var second = new WorkerHost(infrastructure, queue, fixture.Zoho);
        await second.StartAsync();
        await handle.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string>(), [new LineCorrection(9, ItemId: TestCatalog.Nut)]))]);
        var result = await ResultAsync(handle);

        Assert.Equal(CaseStatus.Completed, result.Status);
        Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
    }
}
