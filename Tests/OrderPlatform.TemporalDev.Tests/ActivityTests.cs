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
}
