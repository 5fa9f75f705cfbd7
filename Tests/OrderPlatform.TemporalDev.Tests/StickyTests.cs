using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Converters;
using Temporalio.Worker;

namespace OrderPlatform.TemporalDev.Tests;

/// <summary>Sticky task queues: routing, partial history, the schedule-to-start fallback and resets.</summary>
public sealed class StickyTests(InProcessServer server)
{
    /// <summary>
    /// Drives one run by hand through the SDK's raw WorkflowService client, as a caching worker would, to see exactly
    /// which queue each task comes from and which events it carries.
    /// </summary>
    [Fact]
    public async Task StickyTasksCarryOnlyNewEventsAndFallBackToTheNormalQueue()
    {
        TemporalClient client = server.Client;
        (WorkflowHandle handle, TaskQueue normal, TaskQueue sticky) = await StartRawAsync(client);
        string tq = normal.Name;

        PollWorkflowTaskQueueResponse first = await Harness.PollWorkflowTaskAsync(client, normal);
        Assert.Equal(1, first.History.Events[0].EventId);
        await CompleteWithTimerAsync(client, first, "t1", sticky, TimeSpan.FromSeconds(30));

        // The timer's task goes to the sticky queue and starts right after the last completed task's started event.
        PollWorkflowTaskQueueResponse second = await Harness.PollWorkflowTaskAsync(client, sticky);
        Assert.Equal(first.StartedEventId, second.PreviousStartedEventId);
        Assert.Equal(second.PreviousStartedEventId + 1, second.History.Events[0].EventId);
        Assert.Equal(EventType.WorkflowTaskCompleted, second.History.Events[0].EventType);
        Assert.Equal(second.StartedEventId, second.History.Events[^1].EventId);
        Assert.Contains(second.History.Events, e => e.EventType == EventType.TimerFired);
        Assert.Equal(TaskQueueKind.Sticky, second.History.Events[^2].WorkflowTaskScheduledEventAttributes.TaskQueue.Kind);
        Assert.Equal(tq, second.WorkflowExecutionTaskQueue.Name);

        // Nobody polls the sticky queue now: after its schedule-to-start timeout the task moves to the normal queue
        // with full history, and the attempt does not count up.
        await CompleteWithTimerAsync(client, second, "t2", sticky, TimeSpan.FromMilliseconds(300));
        PollWorkflowTaskQueueResponse third = await Harness.PollWorkflowTaskAsync(client, normal);
        Assert.Equal(1, third.History.Events[0].EventId);
        Assert.Equal(1, third.Attempt);
        Assert.Equal(second.StartedEventId, third.PreviousStartedEventId);
        HistoryEvent timedOut = Assert.Single(third.History.Events, e => e.EventType == EventType.WorkflowTaskTimedOut);
        Assert.Equal(TimeoutType.ScheduleToStart, timedOut.WorkflowTaskTimedOutEventAttributes.TimeoutType);
        Assert.Equal(0, timedOut.WorkflowTaskTimedOutEventAttributes.StartedEventId);

        // ResetStickyTaskQueue sends the next task to the normal queue too, whether it was scheduled before or after.
        await CompleteWithTimerAsync(client, third, "t3", sticky, TimeSpan.FromSeconds(30));
        await client.WorkflowService.ResetStickyTaskQueueAsync(new()
        {
            Namespace = client.Options.Namespace,
            Execution = new() { WorkflowId = handle.Id, RunId = handle.RunId ?? "" },
        });
        PollWorkflowTaskQueueResponse fourth = await Harness.PollWorkflowTaskAsync(client, normal);
        Assert.Equal(1, fourth.History.Events[0].EventId);
        Assert.Equal(third.StartedEventId, fourth.PreviousStartedEventId);

        await client.WorkflowService.RespondWorkflowTaskCompletedAsync(new()
        {
            Namespace = client.Options.Namespace,
            TaskToken = fourth.TaskToken,
            Identity = "raw",
            Commands = { new Command { CommandType = CommandType.CompleteWorkflowExecution, CompleteWorkflowExecutionCommandAttributes = new() } },
        });
        await handle.GetResultAsync();
    }

    /// <summary>
    /// A legacy query to a sticky run goes to the sticky queue with no events; one that no worker takes there within
    /// the schedule-to-start timeout moves to the normal queue with the full history.
    /// </summary>
    [Fact]
    public async Task StickyQueriesCarryNoEventsAndMoveToTheNormalQueueWhenNobodyTakesThem()
    {
        TemporalClient client = server.Client;
        (WorkflowHandle handle, TaskQueue normal, TaskQueue sticky) = await StartRawAsync(client);
        await CompleteStickyAsync(client, await Harness.PollWorkflowTaskAsync(client, normal), sticky, TimeSpan.FromMilliseconds(300));

        Task<string> asked = handle.QueryAsync<string>("state", []);
        PollWorkflowTaskQueueResponse onSticky = await Harness.PollWorkflowTaskAsync(client, sticky);
        Assert.Equal("state", onSticky.Query.QueryType);
        Assert.Empty(onSticky.History.Events);
        await AnswerAsync(client, onSticky, "from cache");
        Assert.Equal("from cache", await asked);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        asked = handle.QueryAsync<string>("state", []);
        PollWorkflowTaskQueueResponse onNormal = await Harness.PollWorkflowTaskAsync(client, normal);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"moved after {clock.Elapsed}, before the timeout");
        Assert.Equal("state", onNormal.Query.QueryType);
        Assert.Equal(1, onNormal.History.Events[0].EventId);
        await AnswerAsync(client, onNormal, "from history");
        Assert.Equal("from history", await asked);
        await handle.TerminateAsync("done");
    }

    /// <summary>
    /// With room for one cached run, a worker running several keeps evicting them, so sticky tasks with partial history
    /// arrive for runs it no longer holds: sdk-core then fetches the full history and replays. Nothing may fail.
    /// </summary>
    [Fact]
    public async Task StickyTasksForEvictedRunsAreReplayedFromFetchedHistory() =>
        await Harness.RunWorkerAsync(server.Client, 1, async tq =>
        {
            var handles = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
                server.Client.StartWorkflowAsync((SequenceWorkflow wf) => wf.RunAsync($"e{i}"), new($"evict-{Guid.NewGuid()}", tq))));
            for (int i = 0; i < handles.Length; i++)
            {
                Assert.Equal($"e{i}-a-b-c", await handles[i].GetResultAsync());
                List<HistoryEvent> events = [.. (await handles[i].FetchHistoryAsync()).Events];
                Assert.DoesNotContain(events, e => e.EventType == EventType.WorkflowTaskFailed);
                await Harness.AssertReplaysAsync(handles[i]);
            }

            List<HistoryEvent> all = [.. (await Task.WhenAll(handles.Select(h => h.FetchHistoryAsync()))).SelectMany(h => h.Events)];
            Assert.Contains(all, e => e.WorkflowTaskScheduledEventAttributes?.TaskQueue.Kind == TaskQueueKind.Sticky);
        });

    /// <summary>
    /// A caching worker stops while its run waits for a signal. With ShutdownWorker the server learns the sticky queue
    /// is gone and routes the next task to the normal queue at once; without it the task waits out the sticky
    /// schedule-to-start timeout first. Either way a new worker finishes the run from full history.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ANewWorkerFinishesARunWhoseCachingWorkerStopped(bool shutdownWorkerUnimplemented)
    {
        var options = new TemporalDevServerOptions { LongPollHold = TimeSpan.FromSeconds(2) };
        if (shutdownWorkerUnimplemented)
        {
            options.UnimplementedMethods.Add("ShutdownWorker");
        }

        CancellationToken cancel = TestContext.Current.CancellationToken;
        await using TemporalDevServer own = await TemporalDevServer.StartAsync(options, cancel);
        TemporalClient client = await TemporalClient.ConnectAsync(new(own.Target));
        string tq = $"tq-{Guid.NewGuid():N}";
        WorkflowHandle<SignalOrTimeoutWorkflow, string>? handle = null;

        TemporalWorkerOptions firstOptions = Harness.WorkerOptions(tq, 10_000);
        firstOptions.StickyQueueScheduleToStartTimeout = TimeSpan.FromSeconds(1);
        using (var first = new TemporalWorker(client, firstOptions))
        {
            await first.ExecuteAsync(async () =>
            {
                handle = await client.StartWorkflowAsync((SignalOrTimeoutWorkflow wf) => wf.RunAsync(300), new($"handoff-{Guid.NewGuid()}", tq));
                // The second timer is the signal wait's timeout: the task after the first timer fired (from the
                // sticky queue) has completed, and the run is idle.
                await Harness.EventuallyAsync(
                    async () => (await handle.FetchHistoryAsync()).Events.Count(e => e.EventType == EventType.TimerStarted) == 2,
                    "the run to wait for its signal", 30);
            }, cancel).WaitAsync(TimeSpan.FromSeconds(60), cancel);
        }

        List<HistoryEvent> before = [.. (await handle!.FetchHistoryAsync()).Events];
        Assert.Contains(before, e => e.WorkflowTaskScheduledEventAttributes?.TaskQueue.Kind == TaskQueueKind.Sticky);

        using var second = new TemporalWorker(client, Harness.WorkerOptions(tq, 10_000));
        await second.ExecuteAsync(async () =>
        {
            await handle.SignalAsync(wf => wf.ReleaseAsync());
            Assert.Equal("local:signal", await handle.GetResultAsync());
        }, cancel).WaitAsync(TimeSpan.FromSeconds(60), cancel);

        List<HistoryEvent> after = [.. (await handle.FetchHistoryAsync()).Events];
        bool waitedOut = after.Any(e => e.WorkflowTaskTimedOutEventAttributes?.TimeoutType == TimeoutType.ScheduleToStart);
        Assert.Equal(shutdownWorkerUnimplemented, waitedOut);
        await Harness.AssertReplaysAsync(handle);
    }

    /// <summary>Starts a run no worker serves, with its normal queue and a sticky queue for the test to act as the worker.</summary>
    private static async Task<(WorkflowHandle Handle, TaskQueue Normal, TaskQueue Sticky)> StartRawAsync(TemporalClient client)
    {
        string tq = $"tq-{Guid.NewGuid():N}";
        WorkflowHandle handle = await client.StartWorkflowAsync("RawWorkflow", [], new($"raw-{Guid.NewGuid()}", tq));
        return (handle, new TaskQueue { Name = tq, Kind = TaskQueueKind.Normal },
            new TaskQueue { Name = $"{tq}-sticky", Kind = TaskQueueKind.Sticky, NormalName = tq });
    }

    private static Task CompleteWithTimerAsync(
        TemporalClient client, PollWorkflowTaskQueueResponse task, string timerId, TaskQueue sticky, TimeSpan stickyTimeout) =>
        CompleteStickyAsync(client, task, sticky, stickyTimeout, new Command
        {
            CommandType = CommandType.StartTimer,
            StartTimerCommandAttributes = new()
            {
                TimerId = timerId,
                StartToFireTimeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(10)),
            },
        });

    private static Task CompleteStickyAsync(
        TemporalClient client, PollWorkflowTaskQueueResponse task, TaskQueue sticky, TimeSpan stickyTimeout, params Command[] commands)
    {
        var request = new RespondWorkflowTaskCompletedRequest
        {
            Namespace = client.Options.Namespace,
            TaskToken = task.TaskToken,
            Identity = "raw",
            StickyAttributes = new() { WorkerTaskQueue = sticky, ScheduleToStartTimeout = Duration.FromTimeSpan(stickyTimeout) },
        };
        request.Commands.Add(commands);
        return client.WorkflowService.RespondWorkflowTaskCompletedAsync(request);
    }

    private static Task AnswerAsync(TemporalClient client, PollWorkflowTaskQueueResponse task, string answer) =>
        client.WorkflowService.RespondQueryTaskCompletedAsync(new()
        {
            Namespace = client.Options.Namespace,
            TaskToken = task.TaskToken,
            CompletedType = QueryResultType.Answered,
            QueryResult = new() { Payloads_ = { DataConverter.Default.PayloadConverter.ToPayload(answer) } },
        });
}
