using Temporalio.Workflows;

namespace OrderPlatform.TemporalDev.Tests;

[Workflow]
public sealed class UpdatableWorkflow
{
    private int _total;
    private bool _finished;

    [WorkflowRun]
    public async Task<int> RunAsync()
    {
        await Workflow.WaitConditionAsync(() => _finished);
        return _total;
    }

    [WorkflowUpdate]
    public async Task<int> AddAsync(int amount)
    {
        await Workflow.DelayAsync(TimeSpan.FromMilliseconds(50));
        _total += amount;
        return _total;
    }

    [WorkflowUpdateValidator(nameof(AddAsync))]
    public void ValidateAdd(int amount)
    {
        if (amount < 0)
        {
            throw new ArgumentException("amount must not be negative");
        }
    }

    [WorkflowSignal]
    public Task FinishAsync()
    {
        _finished = true;
        return Task.CompletedTask;
    }
}
