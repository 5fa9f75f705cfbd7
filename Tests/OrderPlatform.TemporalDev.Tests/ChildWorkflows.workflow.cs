using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace OrderPlatform.TemporalDev.Tests;

[Workflow]
public sealed class DoublerWorkflow
{
    [WorkflowRun]
    public Task<int> RunAsync(int value) => Task.FromResult(value * 2);
}

/// <summary>Runs a child to completion, signals one, cancels one and leaves one for the parent close policy.</summary>
[Workflow]
public sealed class ParentWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(string prefix)
    {
        int doubled = await Workflow.ExecuteChildWorkflowAsync((DoublerWorkflow wf) => wf.RunAsync(21), new() { Id = $"{prefix}-doubler" });

        var collector = await Workflow.StartChildWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(1), new() { Id = $"{prefix}-collector" });
        await collector.SignalAsync(wf => wf.AddAsync("from-parent"));
        List<string> collected = await collector.GetResultAsync();

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Workflow.CancellationToken);
        var doomed = await Workflow.StartChildWorkflowAsync(
            (WaitForeverWorkflow wf) => wf.RunAsync(), new() { Id = $"{prefix}-cancelled", CancellationToken = cancel.Token });
        // CancelAsync would queue work on the thread pool, which the workflow scheduler forbids.
        cancel.Cancel();
        string outcome;
        try
        {
            await doomed.GetResultAsync();
            outcome = "not cancelled";
        }
        catch (ChildWorkflowFailureException e) when (e.InnerException is CanceledFailureException)
        {
            outcome = "cancelled";
        }

        await Workflow.StartChildWorkflowAsync((WaitForeverWorkflow wf) => wf.RunAsync(), new() { Id = $"{prefix}-orphan" });
        return $"{doubled}:{collected[0]}:{outcome}";
    }
}
