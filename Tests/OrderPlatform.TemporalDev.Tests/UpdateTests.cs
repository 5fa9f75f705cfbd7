using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace OrderPlatform.TemporalDev.Tests;

public sealed class UpdateTests(InProcessServer server)
{
    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task UpdatesAreAcceptedCompletedOrRejectedAndReplay(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var handle = await server.Client.StartWorkflowAsync((UpdatableWorkflow wf) => wf.RunAsync(), new($"update-{Guid.NewGuid()}", tq));
            Assert.Equal(2, await handle.ExecuteUpdateAsync(wf => wf.AddAsync(2)));
            Assert.Equal(5, await handle.ExecuteUpdateAsync(wf => wf.AddAsync(3)));
            var rejected = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(wf => wf.AddAsync(-1)));
            Assert.Contains("must not be negative", rejected.InnerException!.Message);
            await handle.SignalAsync(wf => wf.FinishAsync());
            Assert.Equal(5, await handle.GetResultAsync());

            var history = await handle.FetchHistoryAsync();
            Assert.Equal(2, history.Events.Count(e => e.EventType == EventType.WorkflowExecutionUpdateAccepted));
            Assert.Equal(2, history.Events.Count(e => e.EventType == EventType.WorkflowExecutionUpdateCompleted));
            await Harness.AssertReplaysAsync(handle);
        });
}
