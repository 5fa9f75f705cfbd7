using Temporalio.Client;

namespace OrderPlatform.TemporalDev.Tests;

public sealed class CapabilityTests
{
    private static readonly HashSet<string> ExpectedRpcs =
    [
        "GetSystemInfo", "DescribeNamespace", "ShutdownWorker", "PollWorkflowTaskQueue", "PollActivityTaskQueue",
        "RespondWorkflowTaskCompleted", "RespondWorkflowTaskFailed", "RespondActivityTaskCompleted",
        "RespondActivityTaskFailed", "RespondActivityTaskCanceled", "RecordActivityTaskHeartbeat",
        "RespondQueryTaskCompleted", "StartWorkflowExecution", "GetWorkflowExecutionHistory", "QueryWorkflow",
        "SignalWorkflowExecution",
    ];

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task WorkersRunWhenOptionalRpcsAreUnimplemented(int maxCached)
    {
        var options = new TemporalDevServerOptions();
        foreach (string method in new[] { "GetSystemInfo", "DescribeNamespace", "ShutdownWorker" })
        {
            options.UnimplementedMethods.Add(method);
        }

        await using var server = await TemporalDevServer.StartAsync(options, TestContext.Current.CancellationToken);
        var client = await TemporalClient.ConnectAsync(new(server.Target));
        await Harness.RunWorkerAsync(client, maxCached, async tq =>
        {
            var handle = await client.StartWorkflowAsync((SequenceWorkflow wf) => wf.RunAsync("u"), new($"unimpl-{Guid.NewGuid()}", tq));
            Assert.Equal("u-a-b-c", await handle.GetResultAsync());
        });
        Assert.True(server.CallCounts.GetValueOrDefault("GetSystemInfo") > 0);
    }

    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task CallCountsShowNoUnexpectedRpc(int maxCached)
    {
        await using var server = await TemporalDevServer.StartAsync(new TemporalDevServerOptions(), TestContext.Current.CancellationToken);
        var client = await TemporalClient.ConnectAsync(new(server.Target));
        await Harness.RunWorkerAsync(client, maxCached, async tq =>
        {
            var handle = await client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(1), new($"calls-{Guid.NewGuid()}", tq));
            await handle.SignalAsync(wf => wf.AddAsync("x"));
            await handle.GetResultAsync();
            Assert.Equal(1, await handle.QueryAsync(wf => wf.Count));
        });
        var unexpected = server.CallCounts.Keys.Where(k => !ExpectedRpcs.Contains(k)).ToList();
        Assert.True(unexpected.Count == 0, $"unexpected RPCs: {string.Join(", ", unexpected)}");
        Assert.False(server.CallCounts.ContainsKey("RecordWorkerHeartbeat"));
    }

    [Fact]
    public async Task UnsupportedRpcsAnswerUnimplementedClearly()
    {
        await using var server = await TemporalDevServer.StartAsync(new TemporalDevServerOptions(), TestContext.Current.CancellationToken);
        var client = await TemporalClient.ConnectAsync(new(server.Target));
        var error = await Assert.ThrowsAsync<Temporalio.Exceptions.RpcException>(() => client.WorkflowService.CreateScheduleAsync(
            new Temporalio.Api.WorkflowService.V1.CreateScheduleRequest { Namespace = "default", ScheduleId = "nightly" }));
        Assert.Equal(Temporalio.Exceptions.RpcException.StatusCode.Unimplemented, error.Code);
        Assert.Contains("does not implement CreateSchedule", error.Message);
    }
}
