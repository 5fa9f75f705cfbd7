using Temporalio.Api.Enums.V1;
using Temporalio.Client;

namespace OrderPlatform.TemporalDev.Tests;

public sealed class VisibilityTests(InProcessServer server)
{
    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task DescribeListAndCountFollowTheSimpleFilters(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            var done = await server.Client.StartWorkflowAsync((SleepWorkflow wf) => wf.RunAsync(0), new($"vis-done-{Guid.NewGuid()}", tq));
            await done.GetResultAsync();
            var running = await server.Client.StartWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(), new($"vis-run-{Guid.NewGuid()}", tq));

            var description = await running.DescribeAsync();
            Assert.Equal(WorkflowExecutionStatus.Running, description.Status);
            Assert.Equal(tq, description.TaskQueue);
            Assert.Equal("WaitForeverWorkflow", description.WorkflowType);

            var byId = await ListAsync($"WorkflowId = '{done.Id}'");
            Assert.Equal([done.Id], byId.Select(e => e.Id));
            Assert.Equal(WorkflowExecutionStatus.Completed, byId[0].Status);

            var runningSleepers = await ListAsync("WorkflowType = 'WaitForeverWorkflow' AND ExecutionStatus = 'Running'");
            Assert.Contains(runningSleepers, e => e.Id == running.Id);
            Assert.DoesNotContain(runningSleepers, e => e.Id == done.Id);

            var all = await ListAsync("");
            Assert.True(all.FindIndex(e => e.Id == running.Id) < all.FindIndex(e => e.Id == done.Id), "newest first");
            Assert.Equal(1, (await server.Client.CountWorkflowsAsync($"WorkflowId = '{running.Id}'")).Count);
            await Assert.ThrowsAsync<Temporalio.Exceptions.RpcException>(() => ListAsync("StartTime > '2020-01-01'"));

            await running.TerminateAsync();
            await Harness.AssertReplaysAsync(done);
        });

    private async Task<List<WorkflowExecution>> ListAsync(string query)
    {
        List<WorkflowExecution> found = [];
        await foreach (var execution in server.Client.ListWorkflowsAsync(query))
        {
            found.Add(execution);
        }

        return found;
    }
}
