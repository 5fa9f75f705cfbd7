namespace OrderPlatform.FlowRunner.Tests;

/// <summary><c>FlowRunner:ProcessPriority</c> only lowers: a replica asked to raise its priority refuses to start.</summary>
public sealed class ProcessPriorityTests(Infrastructure infrastructure)
{
    [Theory]
    [InlineData("High")]
    [InlineData("RealTime")]
    public async Task ARaisedPriorityIsRefusedAtStart(string priority)
    {
        await using var host = new FlowRunnerHost(await infrastructure.CreateDatabaseAsync(), infrastructure.Redis, new Dictionary<string, string?>
        {
            ["FlowRunner:ProcessPriority"] = priority,
        });
        var error = Assert.ThrowsAny<Exception>(() => host.Services);
        Assert.Contains("ProcessPriority", error.ToString(), StringComparison.Ordinal);
    }
}
