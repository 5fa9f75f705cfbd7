using Temporalio.Activities;
using Temporalio.Workflows;

namespace OrderPlatform.Bench.Temporal;

public static class BenchActivities
{
    [Activity]
    public static int Step(int value) => value + 1;
}

/// <summary>A chain of trivial activities: measures the server's task round trips, not the work.</summary>
[Workflow]
public sealed class StepsWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(int steps)
    {
        int value = 0;
        for (int i = 0; i < steps; i++)
        {
            value = await Workflow.ExecuteActivityAsync(
                () => BenchActivities.Step(value), new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
        }

        return value;
    }
}
