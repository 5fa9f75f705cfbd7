using Temporalio.Client;
using Temporalio.Exceptions;

namespace OrderPlatform.TemporalDev.Tests;

public sealed class SignalQueryTests(InProcessServer server)
{
    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task QueriesAnswerMidRunAfterCloseAndReportFailures(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(100), new($"q-{Guid.NewGuid()}", tq));
            await handle.SignalAsync(wf => wf.AddAsync("a"));
            await Harness.EventuallyAsync(async () => await handle.QueryAsync(wf => wf.Count) == 1, "the query to see the signal");
            var failed = await Assert.ThrowsAsync<WorkflowQueryFailedException>(() => handle.QueryAsync(wf => wf.Fail()));
            Assert.Contains("query refused", failed.Message);
            await handle.SignalAsync(wf => wf.DoneAsync());
            Assert.Equal(["a"], await handle.GetResultAsync());
            Assert.Equal(1, await handle.QueryAsync(wf => wf.Count));
            await Assert.ThrowsAsync<WorkflowQueryRejectedException>(() => handle.QueryAsync(
                wf => wf.Count, new WorkflowQueryOptions { RejectCondition = Temporalio.Api.Enums.V1.QueryRejectCondition.NotOpen }));
            await Harness.AssertReplaysAsync(handle);
        });

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task TwentySignalsAndFiveConcurrentQueriesWhileBusyLoseNothing(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(20), new($"busy-{Guid.NewGuid()}", tq));
            Task<int[]> queries = Task.WhenAll(Enumerable.Range(0, 5).Select(_ => handle.QueryAsync(wf => wf.Count)));
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => handle.SignalAsync(wf => wf.AddAsync($"s{i}"))));
            Assert.All(await queries, count => Assert.InRange(count, 0, 20));
            List<string> items = await handle.GetResultAsync();
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"s{i}").Order(), items.Order());
            await Harness.AssertReplaysAsync(handle);
        });
}
