using System.Reflection;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Worker;

[assembly: AssemblyFixture(typeof(OrderPlatform.TemporalDev.Tests.InProcessServer))]

namespace OrderPlatform.TemporalDev.Tests;

/// <summary>One embedded server for the conformance suite, with a short long-poll hold so result waits re-poll.</summary>
public sealed class InProcessServer : IAsyncLifetime
{
    public TemporalDevServer Server { get; private set; } = null!;

    public TemporalClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await TemporalDevServer.StartAsync(new TemporalDevServerOptions { LongPollHold = TimeSpan.FromSeconds(2) });
        Client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(Server.Target));
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public static class Harness
{
    /// <summary>Zero disables the workflow cache (no sticky polls); the default caches runs and polls sticky queues.</summary>
    public static TheoryData<int> CacheModes => [0, 10_000];

    public static TemporalWorkerOptions WorkerOptions(string taskQueue, int maxCachedWorkflows) =>
        Register(new TemporalWorkerOptions(taskQueue) { MaxCachedWorkflows = maxCachedWorkflows });

    public static async Task RunWorkerAsync(TemporalClient client, int maxCachedWorkflows, Func<string, Task> body)
    {
        string taskQueue = $"tq-{Guid.NewGuid():N}";
        using var worker = new TemporalWorker(client, WorkerOptions(taskQueue, maxCachedWorkflows));
        // A bound on every scenario turns a stuck workflow into a failure instead of a hung run.
        await worker.ExecuteAsync(() => body(taskQueue).WaitAsync(TimeSpan.FromSeconds(90)), TestContext.Current.CancellationToken);
    }

    /// <summary>Replays a closed run's history; throws on any nondeterminism.</summary>
    public static async Task AssertReplaysAsync(WorkflowHandle handle)
    {
        var history = await handle.FetchHistoryAsync();
        var options = new WorkflowReplayerOptions();
        Register(options);
        await new WorkflowReplayer(options).ReplayWorkflowAsync(history);
    }

    public static Task<DescribeWorkflowExecutionResponse> DescribeRawAsync(ITemporalClient client, WorkflowHandle handle) =>
        client.WorkflowService.DescribeWorkflowExecutionAsync(new()
        {
            Namespace = client.Options.Namespace,
            Execution = new() { WorkflowId = handle.Id, RunId = handle.RunId ?? "" },
        });

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls a workflow task queue through the raw client, as a worker would, until a task comes.</summary>
    public static async Task<PollWorkflowTaskQueueResponse> PollWorkflowTaskAsync(TemporalClient client, TaskQueue queue)
    {
        // An empty reply is the long poll's hold running out; keep polling, but not forever.
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            PollWorkflowTaskQueueResponse reply = await client.WorkflowService.PollWorkflowTaskQueueAsync(new()
            {
                Namespace = client.Options.Namespace,
                TaskQueue = queue,
                Identity = "raw",
            });
            if (!reply.TaskToken.IsEmpty)
            {
                return reply;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no workflow task on {queue.Kind} queue {queue.Name}");
        }
    }

    /// <summary>The server's native apphost from its own build output.</summary>
    public static string ServerExecutable()
    {
        string dir = typeof(Harness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TemporalDevOutput").Value!;
        string[] candidates =
        [
            Path.Combine(dir, "OrderPlatform.TemporalDev"),
            Path.Combine(AppContext.BaseDirectory, "OrderPlatform.TemporalDev"),
        ];
        return candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"OrderPlatform.TemporalDev executable not found (looked in {string.Join(", ", candidates)}); build Hosting/OrderPlatform.TemporalDev first");
    }

    private static T Register<T>(T options) where T : WorkflowReplayerOptions
    {
        options.AddWorkflow<SequenceWorkflow>().AddWorkflow<HeartbeatRetryWorkflow>().AddWorkflow<NonRetryableWorkflow>()
            .AddWorkflow<SignalOrTimeoutWorkflow>().AddWorkflow<CollectorWorkflow>().AddWorkflow<CancellableWorkflow>()
            .AddWorkflow<WaitForeverWorkflow>().AddWorkflow<SleepWorkflow>().AddWorkflow<ContinueAsNewWorkflow>()
            .AddWorkflow<QuickCompleteWorkflow>().AddWorkflow<DoublerWorkflow>().AddWorkflow<ParentWorkflow>()
            .AddWorkflow<UpdatableWorkflow>();
        return options;
    }

    private static TemporalWorkerOptions Register(TemporalWorkerOptions options)
    {
        options.AddWorkflow<SequenceWorkflow>().AddWorkflow<HeartbeatRetryWorkflow>().AddWorkflow<NonRetryableWorkflow>()
            .AddWorkflow<SignalOrTimeoutWorkflow>().AddWorkflow<CollectorWorkflow>().AddWorkflow<CancellableWorkflow>()
            .AddWorkflow<WaitForeverWorkflow>().AddWorkflow<SleepWorkflow>().AddWorkflow<ContinueAsNewWorkflow>()
            .AddWorkflow<QuickCompleteWorkflow>().AddWorkflow<DoublerWorkflow>().AddWorkflow<ParentWorkflow>()
            .AddWorkflow<UpdatableWorkflow>().AddActivity(TestActivities.Hold)
            .AddActivity(TestActivities.Echo).AddActivity(TestActivities.FlakyTwice).AddActivity(TestActivities.Reject)
            .AddActivity(TestActivities.HeartbeatThenStall).AddActivity(TestActivities.HeartbeatUntilCancelled);
        return options;
    }
}

/// <summary>
/// Tests that launch the server executable run alone, after the parallel suite: the SDK's launcher gives the process
/// five seconds, and the start-time figure should not measure contention with the other tests.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class ServerProcesses;
