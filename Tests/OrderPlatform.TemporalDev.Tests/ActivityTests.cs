using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace OrderPlatform.TemporalDev.Tests;

public sealed class ActivityTests(InProcessServer server)
{
    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task SequentialActivitiesRetryWithoutRetriesInHistory(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((SequenceWorkflow wf) => wf.RunAsync("x"), new($"seq-{Guid.NewGuid()}", tq));
            Assert.Equal("x-a-b-c", await handle.GetResultAsync());
            var history = await handle.FetchHistoryAsync();
            Assert.DoesNotContain(history.Events, e => e.EventType == EventType.ActivityTaskFailed);
            Assert.Equal(3, history.Events.Count(e => e.EventType == EventType.ActivityTaskCompleted));
            Assert.Contains(history.Events, e => e.ActivityTaskStartedEventAttributes is { Attempt: 3, LastFailure: not null });
            Assert.Contains(history.Events, e => e.WorkflowTaskCompletedEventAttributes?.SdkMetadata is not null);
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task HeartbeatTimeoutRetriesWithTheLastDetails(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((HeartbeatRetryWorkflow wf) => wf.RunAsync(), new($"hb-{Guid.NewGuid()}", tq));
            Assert.Equal("attempt 2 got progress-7", await handle.GetResultAsync());
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task NonRetryableFailureFailsTheWorkflow(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((NonRetryableWorkflow wf) => wf.RunAsync(), new($"nr-{Guid.NewGuid()}", tq));
            var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            var activity = Assert.IsType<ActivityFailureException>(failed.InnerException);
            Assert.Equal("Rejected", Assert.IsType<ApplicationFailureException>(activity.InnerException).ErrorType);
            var history = await handle.FetchHistoryAsync();
            Assert.Single(history.Events, e => e.ActivityTaskFailedEventAttributes?.RetryState == RetryState.NonRetryableFailure);
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task CancelReachesAStartedActivityThroughHeartbeats(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((CancellableWorkflow wf) => wf.RunAsync(), new($"cancel-{Guid.NewGuid()}", tq));
            await Harness.EventuallyAsync(
                async () => (await Harness.DescribeRawAsync(server.Client, handle)).PendingActivities.Any(a => a.State == PendingActivityState.Started),
                "the activity to start");
            await handle.CancelAsync();
            var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            Assert.IsType<CanceledFailureException>(failed.InnerException);
            var history = await handle.FetchHistoryAsync();
            Assert.Contains(history.Events, e => e.EventType == EventType.ActivityTaskCanceled);
            Assert.Equal(EventType.WorkflowExecutionCanceled, history.Events.Last().EventType);
            await Harness.AssertReplaysAsync(handle);
        });

    /// <summary>
    /// Eager execution through the raw client: an activity for the worker's own task queue comes back in the
    /// completion's reply, already started; one for another queue goes through that queue's pollers as before.
    /// </summary>
    [Fact]
    public async Task EagerActivitiesComeBackInTheCompletionReply()
    {
        TemporalClient client = server.Client;
        string tq = $"tq-{Guid.NewGuid():N}";
        WorkflowHandle handle = await client.StartWorkflowAsync("RawWorkflow", [], new($"eager-{Guid.NewGuid()}", tq));
        var task = await Harness.PollWorkflowTaskAsync(client, new() { Name = tq, Kind = TaskQueueKind.Normal });
        var reply = await client.WorkflowService.RespondWorkflowTaskCompletedAsync(new()
        {
            Namespace = client.Options.Namespace,
            TaskToken = task.TaskToken,
            Identity = "raw",
            Commands = { ScheduleEcho("own", tq), ScheduleEcho("other", tq + "-other") },
        });

        var eager = Assert.Single(reply.ActivityTasks);
        Assert.Equal("own", eager.ActivityId);
        Assert.Equal(1, eager.Attempt);
        var other = await client.WorkflowService.PollActivityTaskQueueAsync(new()
        {
            Namespace = client.Options.Namespace,
            TaskQueue = new() { Name = tq + "-other" },
            Identity = "raw",
        });
        Assert.Equal("other", other.ActivityId);
        foreach (var token in new[] { eager.TaskToken, other.TaskToken })
        {
            await client.WorkflowService.RespondActivityTaskCompletedAsync(new() { Namespace = client.Options.Namespace, TaskToken = token, Identity = "raw" });
        }

        await Harness.EventuallyAsync(
            async () => (await handle.FetchHistoryAsync()).Events.Count(e => e.EventType == EventType.ActivityTaskCompleted) == 2,
            "both activities to complete");
        await handle.TerminateAsync("done");
    }

    private static Command ScheduleEcho(string id, string taskQueue) => new()
    {
        CommandType = CommandType.ScheduleActivityTask,
        ScheduleActivityTaskCommandAttributes = new()
        {
            ActivityId = id,
            ActivityType = new() { Name = "Echo" },
            TaskQueue = new() { Name = taskQueue },
            StartToCloseTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
            RequestEagerExecution = true,
        },
    };
}
