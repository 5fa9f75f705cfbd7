using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// The Worker's Postgres goes away mid-run (<see cref="OutageProxy"/>: connections reset, new ones refused) while the
/// real Worker runs a case on the embedded Temporal server. The schedule is compressed honestly: retries back off to at
/// most 1 s instead of 5 min, and the outage budget is minutes or seconds instead of 6 h, so a 25-30 s outage spans
/// as many attempts as hours would in production.
/// </summary>
public sealed class OutageTests(WorkflowFixture fixture, Infrastructure infrastructure) : IClassFixture<WorkflowFixture>
{
    private static readonly ConversationReference Chat = new("https://smba.example/emea/", "msteams", "a:chat-1", "tenant-t", "29:user-1", null, "28:bot");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APostgresOutageOfHalfAMinuteIsOutlastedByRetriesAndTheCaseCompletes()
    {
        await using var run = await OutageRun.StartAsync(fixture, infrastructure, budget: TimeSpan.FromMinutes(5));
        var handle = await fixture.StartCaseAsync(Workbooks.Order("10234", "PO-O1", Workbooks.KnownLines), taskQueue: run.Queue, conversation: Chat);
        await run.Proxy.TakeDownAsync();
        await Task.Delay(TimeSpan.FromSeconds(30), Ct);

        // Still running, past the ten attempts the old policy allowed a step.
        var described = await infrastructure.Client.WorkflowService.DescribeWorkflowExecutionAsync(new DescribeWorkflowExecutionRequest
        {
            Namespace = OrderWorkflow.DefaultNamespace,
            Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = handle.Id },
        });
        var pending = Assert.Single(described.PendingActivities);
        Assert.True(pending.Attempt > 10, $"{pending.ActivityType.Name} is at attempt {pending.Attempt}");
        run.Proxy.Restore();

        var result = await run.ResultAsync(handle);

        Assert.Equal(CaseStatus.Completed, result.Status);
        Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
        Assert.Equal(CaseStatus.Completed, (await fixture.CaseAsync(handle.Id)).Status);
        Assert.Contains(run.Bot.Received, n => n.CaseId == handle.Id && n.Request.Kind == NotifyKinds.Draft);
    }

    [Fact]
    public async Task AnOutageLongerThanTheBudgetEndsTheCaseNeedsAttentionAndTellsTheUserASentenceWithoutInternals()
    {
        await using var run = await OutageRun.StartAsync(fixture, infrastructure, budget: TimeSpan.FromSeconds(6));
        var handle = await fixture.StartCaseAsync(Workbooks.Order("10234", "PO-O2", Workbooks.KnownLines), taskQueue: run.Queue, conversation: Chat);
        await run.Proxy.TakeDownAsync();
        // The step gives up after 6 s; closing the case keeps retrying until the database is back.
        await Task.Delay(TimeSpan.FromSeconds(20), Ct);
        run.Proxy.Restore();

        var result = await run.ResultAsync(handle);

        Assert.Equal(CaseStatus.NeedsAttention, result.Status);
        var stored = await fixture.CaseAsync(handle.Id);
        Assert.Equal(CaseStatus.NeedsAttention, stored.Status);
        var told = Assert.Single(run.Bot.Received, n => n.CaseId == handle.Id).Request;
        Assert.Equal(NotifyKinds.Message, told.Kind);
        Assert.Equal(stored.Error, told.Message);
        Assert.StartsWith("The order could not be processed because a service it needs was unavailable", told.Message);
        Assert.Contains((await handle.DescribeAsync()).RunId, told.Message);
        foreach (var internals in new[] { "127.0.0.1", "localhost", "Npgsql", "Exception", "connect", $"{run.Proxy.Port}" })
        {
            Assert.DoesNotContain(internals, told.Message, StringComparison.OrdinalIgnoreCase);
        }

        var history = await handle.FetchHistoryAsync();
        var closing = history.Events.Where(e => e.ActivityTaskScheduledEventAttributes?.ActivityType.Name == "close-case").Select(e => e.EventId).ToHashSet();
        Assert.Contains(history.Events, e => e.ActivityTaskStartedEventAttributes is { Attempt: > 1 } started && closing.Contains(started.ScheduledEventId));
    }

    /// <summary>A Worker of its own whose ordersdb goes through the proxy, with the bot's notify route standing in for the bot.</summary>
    private sealed class OutageRun : IAsyncDisposable
    {
        private OutageRun(OutageProxy proxy, BotNotifyStandIn bot, WorkerHost worker, string queue) =>
            (Proxy, Bot, Worker, Queue) = (proxy, bot, worker, queue);

        public OutageProxy Proxy { get; }

        public BotNotifyStandIn Bot { get; }

        public WorkerHost Worker { get; }

        public string Queue { get; }

        public static async Task<OutageRun> StartAsync(WorkflowFixture fixture, Infrastructure infrastructure, TimeSpan budget)
        {
            var database = new NpgsqlConnectionStringBuilder(infrastructure.OrdersDb);
            var proxy = new OutageProxy(database.Host!, database.Port);
            database.Host = "127.0.0.1";
            database.Port = proxy.Port;
            var bot = await BotNotifyStandIn.StartAsync();
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:ordersdb"] = database.ConnectionString,
                ["Orders:OutageBudget"] = budget.ToString("c"),
                ["Orders:RetryMaximumInterval"] = "00:00:01",
            };
            bot.Configure(settings);
            var queue = $"orders-outage-{Guid.NewGuid():N}";
            var worker = new WorkerHost(infrastructure, queue, fixture.Zoho, settings);
            await worker.StartAsync();
            return new OutageRun(proxy, bot, worker, queue);
        }

        public async Task<OrderWorkflowResult> ResultAsync(WorkflowHandle handle)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(120));
            return await handle.GetResultAsync<OrderWorkflowResult>(rpcOptions: new RpcOptions { CancellationToken = timeout.Token });
        }

        public async ValueTask DisposeAsync()
        {
            await Worker.DisposeAsync();
            await Bot.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }
}
