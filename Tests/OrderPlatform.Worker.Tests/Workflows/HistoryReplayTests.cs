using OrderPlatform.Worker.Workflows;
using Temporalio.Common;
using Temporalio.Worker;

namespace OrderPlatform.Worker.Tests.Workflows;

/// <summary>
/// Histories of the order workflow recorded on the embedded Temporal server by the Orders tests (re-record with
/// <c>ORDERPLATFORM_RECORD_HISTORIES=1</c>, see README) and replayed against today's workflow code. A change to the
/// command sequence that is not behind <c>Workflow.Patched</c> makes a run started before it fail on the next worker;
/// here it makes the replay throw a nondeterminism error.
/// </summary>
public sealed class HistoryReplayTests
{
    /// <summary>The scenarios the issue names, plus a file the parser refuses; each must have its recording.</summary>
    public static readonly TheoryData<string> Scenarios = new("happy-path", "corrections-round", "column-answer", "cancel", "deadline", "bad-file");

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Histories");

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task ARecordedRunReplaysWithoutNondeterminism(string scenario)
    {
        var path = Path.Combine(Folder, $"{scenario}.json");
        Assert.True(File.Exists(path), $"{path} is missing; record it with ORDERPLATFORM_RECORD_HISTORIES=1 (README, workflow compatibility)");
        var history = WorkflowHistory.FromJson($"replay-{scenario}", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Contains(history.Events, e => e.WorkflowExecutionCompletedEventAttributes is not null);

        // The worker's own interceptor too: whatever it does must not add commands either.
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions { Interceptors = [new TemporalTracingInterceptor()] }
            .AddWorkflow<OrderProcessingWorkflow>());
        var result = await replayer.ReplayWorkflowAsync(history, throwOnReplayFailure: false, TestContext.Current.CancellationToken);

        Assert.True(result.ReplayFailure is null, $"{scenario} no longer replays: {result.ReplayFailure}");
    }

    [Fact]
    public void EveryCheckedInHistoryIsAScenarioThatIsReplayed()
    {
        var files = Directory.GetFiles(Folder, "*.json").Select(Path.GetFileNameWithoutExtension).Order();

        Assert.Equal(Scenarios.Select(s => s.Data).Order(), files);
    }
}
