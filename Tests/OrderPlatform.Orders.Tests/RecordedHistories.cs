using System.Reflection;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// Writes the history of a finished order workflow to <c>Tests/OrderPlatform.Worker.Tests/Histories/{name}.json</c>
/// when <c>ORDERPLATFORM_RECORD_HISTORIES=1</c>; otherwise does nothing. The Worker tests replay those files against
/// today's workflow code, so a run recorded by a released Worker keeps replaying after a change.
/// </summary>
public static class RecordedHistories
{
    public const string Variable = "ORDERPLATFORM_RECORD_HISTORIES";

    public static async Task SaveIfRequestedAsync(WorkflowHandle handle, string name)
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            return;
        }

        var history = await handle.FetchHistoryAsync(new WorkflowHistoryEventFetchOptions
        {
            Rpc = new RpcOptions { CancellationToken = TestContext.Current.CancellationToken },
        });
        var folder = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "HistoriesDirectory").Value!;
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, $"{name}.json"), history.ToJson(), TestContext.Current.CancellationToken);
    }
}
