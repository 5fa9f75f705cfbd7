using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace OrderPlatform.TemporalDev.Tests;

public sealed class LifecycleTests(InProcessServer server)
{
    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task LocalActivityTimerAndSignalTakeTheSignalPath(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((SignalOrTimeoutWorkflow wf) => wf.RunAsync(30), new($"sig-{Guid.NewGuid()}", tq));
            await handle.SignalAsync(wf => wf.ReleaseAsync());
            Assert.Equal("local:signal", await handle.GetResultAsync());
            var history = await handle.FetchHistoryAsync();
            Assert.Contains(history.Events, e => e.EventType == EventType.MarkerRecorded);
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task LocalActivityTimerAndSignalTakeTheTimeoutPath(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((SignalOrTimeoutWorkflow wf) => wf.RunAsync(0.3), new($"tmo-{Guid.NewGuid()}", tq));
            Assert.Equal("local:timeout", await handle.GetResultAsync());
            var history = await handle.FetchHistoryAsync();
            Assert.Equal(2, history.Events.Count(e => e.EventType == EventType.TimerFired));
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task TerminateClosesAtOnceAndDuplicateStartIsRejected(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            string id = $"term-{Guid.NewGuid()}";
            var handle = await server.Client.StartWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(), new(id, tq));
            var duplicate = await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(
                () => server.Client.StartWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(), new(id, tq)));
            Assert.Equal(handle.ResultRunId, duplicate.RunId);
            await handle.TerminateAsync("enough");
            var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            Assert.IsType<TerminatedFailureException>(failed.InnerException);
            await Assert.ThrowsAsync<WorkflowAlreadyStartedException>(() => server.Client.StartWorkflowAsync(
                (WaitForeverWorkflow wf) => wf.RunAsync(), new(id, tq) { IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate }));
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task ContinueAsNewIsFollowedByGetResult(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            string id = $"can-{Guid.NewGuid()}";
            var handle = await server.Client.StartWorkflowAsync((ContinueAsNewWorkflow wf) => wf.RunAsync(1), new(id, tq));
            Assert.Equal(3, await handle.GetResultAsync());
            var first = server.Client.GetWorkflowHandle(id, runId: handle.ResultRunId);
            var firstHistory = await first.FetchHistoryAsync();
            Assert.Equal(EventType.WorkflowExecutionContinuedAsNew, firstHistory.Events.Last().EventType);
            await Harness.AssertReplaysAsync(first);
            await Harness.AssertReplaysAsync(server.Client.GetWorkflowHandle(id));
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task ResultWaitOutlastsTheHoldAndManyWaitsRunInParallel(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            // The server holds result polls for 2 s, so a 5 s workflow needs the client to re-poll.
            var handle = await server.Client.StartWorkflowAsync((SleepWorkflow wf) => wf.RunAsync(5), new($"sleep-{Guid.NewGuid()}", tq));
            string[] results = await Task.WhenAll(Enumerable.Range(0, 120).Select(_ => handle.GetResultAsync()));
            Assert.All(results, r => Assert.Equal("slept", r));
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task SignalWithStartStartsThenSignalsTheRunningWorkflow(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            string id = $"sws-{Guid.NewGuid()}";
            WorkflowOptions Options(string item)
            {
                var options = new WorkflowOptions(id, tq) { IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting };
                options.SignalWithStart((CollectorWorkflow wf) => wf.AddAsync(item));
                return options;
            }

            var first = await server.Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(2), Options("one"));
            var second = await server.Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(2), Options("two"));
            Assert.Equal(first.ResultRunId, second.ResultRunId);
            Assert.Equal(["one", "two"], await first.GetResultAsync());
            var history = await first.FetchHistoryAsync();
            Assert.Equal(EventType.WorkflowExecutionSignaled, history.Events.ElementAt(1).EventType);
            await Harness.AssertReplaysAsync(first);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task CompletionWithABufferedSignalIsRejectedAsUnhandledCommand(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            string key = Guid.NewGuid().ToString();
            var handle = await server.Client.StartWorkflowAsync((QuickCompleteWorkflow wf) => wf.RunAsync(key), new($"unhandled-{key}", tq));
            Gate gate = Gate.For(key);
            await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await handle.SignalAsync(wf => wf.PokeAsync());
            gate.Release.TrySetResult();
            Assert.Equal(1, await handle.GetResultAsync());
            var history = await handle.FetchHistoryAsync();
            Assert.Contains(history.Events, e => e.WorkflowTaskFailedEventAttributes?.Cause == WorkflowTaskFailedCause.UnhandledCommand);
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task RunTimeoutClosesTheWorkflowAsTimedOut(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync(
                (WaitForeverWorkflow wf) => wf.RunAsync(), new($"runtimeout-{Guid.NewGuid()}", tq) { RunTimeout = TimeSpan.FromSeconds(1) });
            var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            Assert.IsType<TimeoutFailureException>(failed.InnerException);
            Assert.Equal(WorkflowExecutionStatus.TimedOut, (await handle.DescribeAsync()).Status);
            await Harness.AssertReplaysAsync(handle);
        });
}
