using Temporalio.Api.Enums.V1;
using Temporalio.Client;

namespace OrderPlatform.TemporalDev.Tests;

public sealed class ChildWorkflowTests(InProcessServer server)
{
    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task ChildrenStartReturnTakeSignalsCancelAndFollowTheParentClosePolicy(int maxCached) =>
        await Harness.RunWorkerAsync(server.Client, maxCached, async tq =>
        {
            string prefix = $"parent-{Guid.NewGuid()}";
            var parent = await server.Client.StartWorkflowAsync((ParentWorkflow wf) => wf.RunAsync(prefix), new(prefix, tq));
            Assert.Equal("42:from-parent:cancelled", await parent.GetResultAsync());

            var orphan = server.Client.GetWorkflowHandle($"{prefix}-orphan");
            await Harness.EventuallyAsync(
                async () => (await orphan.DescribeAsync()).Status == WorkflowExecutionStatus.Terminated,
                "the parent close policy to terminate the orphan");
            var doubler = await server.Client.GetWorkflowHandle($"{prefix}-doubler").FetchHistoryAsync();
            Assert.Equal(prefix, doubler.Events.First().WorkflowExecutionStartedEventAttributes.ParentWorkflowExecution.WorkflowId);

            await Harness.AssertReplaysAsync(parent);
            await Harness.AssertReplaysAsync(server.Client.GetWorkflowHandle($"{prefix}-collector"));
            await Harness.AssertReplaysAsync(server.Client.GetWorkflowHandle($"{prefix}-cancelled"));
        });
}
