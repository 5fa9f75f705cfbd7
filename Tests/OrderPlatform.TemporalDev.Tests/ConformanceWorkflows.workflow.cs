using Temporalio.Activities;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace OrderPlatform.TemporalDev.Tests;

public sealed class TestActivities
{
    [Activity]
    public static string Echo(string value) => value;

    [Activity]
    public static string FlakyTwice(string value)
    {
        if (ActivityExecutionContext.Current.Info.Attempt < 3)
        {
            throw new ApplicationFailureException($"flaky attempt {ActivityExecutionContext.Current.Info.Attempt}");
        }

        return value;
    }

    [Activity]
    public static void Reject() => throw new ApplicationFailureException("rejected for good", "Rejected", nonRetryable: true);

    /// <summary>First attempt heartbeats a detail then goes silent; the retry returns the detail it was handed.</summary>
    [Activity]
    public static async Task<string> HeartbeatThenStall()
    {
        ActivityExecutionContext ctx = ActivityExecutionContext.Current;
        if (ctx.Info.Attempt == 1)
        {
            ctx.Heartbeat("progress-7");
            await Task.Delay(TimeSpan.FromSeconds(30), ctx.CancellationToken);
            return "not reached";
        }

        string carried = ctx.Info.HeartbeatDetails.Count > 0 ? await ctx.Info.HeartbeatDetailAtAsync<string>(0) : "none";
        return $"attempt {ctx.Info.Attempt} got {carried}";
    }

    /// <summary>Signals that it is running, then holds its workflow task open until the test releases it.</summary>
    [Activity]
    public static async Task Hold(string key)
    {
        Gate gate = Gate.For(key);
        gate.Entered.TrySetResult();
        await gate.Release.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Heartbeats until cancelled; cancellation reaches it only through heartbeat replies.</summary>
    [Activity]
    public static async Task HeartbeatUntilCancelled()
    {
        ActivityExecutionContext ctx = ActivityExecutionContext.Current;
        while (true)
        {
            ctx.Heartbeat();
            await Task.Delay(TimeSpan.FromMilliseconds(100), ctx.CancellationToken);
        }
    }
}

[Workflow]
public sealed class SequenceWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(string input)
    {
        var options = new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(10),
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(50), BackoffCoefficient = 1 },
        };
        string a = await Workflow.ExecuteActivityAsync(() => TestActivities.Echo(input + "-a"), options);
        string b = await Workflow.ExecuteActivityAsync(() => TestActivities.FlakyTwice(a + "-b"), options);
        return await Workflow.ExecuteActivityAsync(() => TestActivities.Echo(b + "-c"), options);
    }
}

[Workflow]
public sealed class HeartbeatRetryWorkflow
{
    [WorkflowRun]
    public Task<string> RunAsync() => Workflow.ExecuteActivityAsync(
        () => TestActivities.HeartbeatThenStall(),
        new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(20),
            // Long enough that the first heartbeat lands even on a loaded machine.
            HeartbeatTimeout = TimeSpan.FromSeconds(2),
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(50) },
        });
}

[Workflow]
public sealed class NonRetryableWorkflow
{
    [WorkflowRun]
    public Task RunAsync() => Workflow.ExecuteActivityAsync(
        () => TestActivities.Reject(),
        new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(10),
            RetryPolicy = new RetryPolicy { NonRetryableErrorTypes = ["Rejected"] },
        });
}

[Workflow]
public sealed class SignalOrTimeoutWorkflow
{
    private bool _released;

    [WorkflowRun]
    public async Task<string> RunAsync(double waitSeconds)
    {
        string local = await Workflow.ExecuteLocalActivityAsync(
            () => TestActivities.Echo("local"), new LocalActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(5) });
        await Workflow.DelayAsync(TimeSpan.FromMilliseconds(100));
        bool signalled = await Workflow.WaitConditionAsync(() => _released, TimeSpan.FromSeconds(waitSeconds));
        return $"{local}:{(signalled ? "signal" : "timeout")}";
    }

    [WorkflowSignal]
    public Task ReleaseAsync()
    {
        _released = true;
        return Task.CompletedTask;
    }
}

[Workflow]
public sealed class CollectorWorkflow
{
    private readonly List<string> _items = [];
    private bool _done;

    [WorkflowRun]
    public async Task<List<string>> RunAsync(int expected)
    {
        // Keep the run busy with activities while signals and queries arrive.
        while (!_done && _items.Count < expected)
        {
            await Workflow.ExecuteActivityAsync(() => TestActivities.Echo("tick"), new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(5) });
            await Workflow.WaitConditionAsync(() => _done || _items.Count >= expected, TimeSpan.FromMilliseconds(200));
        }

        return _items;
    }

    [WorkflowSignal]
    public Task AddAsync(string item)
    {
        _items.Add(item);
        return Task.CompletedTask;
    }

    [WorkflowSignal]
    public Task DoneAsync()
    {
        _done = true;
        return Task.CompletedTask;
    }

    [WorkflowQuery]
    public int Count => _items.Count;

    [WorkflowQuery]
    public string Fail() => throw new InvalidOperationException("query refused");
}

[Workflow]
public sealed class CancellableWorkflow
{
    [WorkflowRun]
    public Task RunAsync() => Workflow.ExecuteActivityAsync(
        () => TestActivities.HeartbeatUntilCancelled(),
        new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(60),
            HeartbeatTimeout = TimeSpan.FromSeconds(2),
            CancellationType = ActivityCancellationType.WaitCancellationCompleted,
        });
}

[Workflow]
public sealed class WaitForeverWorkflow
{
    [WorkflowRun]
    public Task RunAsync() => Workflow.WaitConditionAsync(() => false);
}

[Workflow]
public sealed class SleepWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(double seconds)
    {
        await Workflow.DelayAsync(TimeSpan.FromSeconds(seconds));
        return "slept";
    }
}

[Workflow]
public sealed class ContinueAsNewWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(int iteration)
    {
        await Workflow.ExecuteActivityAsync(() => TestActivities.Echo("step"), new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(5) });
        if (iteration < 3)
        {
            throw Workflow.CreateContinueAsNewException((ContinueAsNewWorkflow wf) => wf.RunAsync(iteration + 1));
        }

        return iteration;
    }
}

/// <summary>Completes in its first task after a held local activity, so a signal sent meanwhile is buffered.</summary>
[Workflow]
public sealed class QuickCompleteWorkflow
{
    private int _signals;

    [WorkflowRun]
    public async Task<int> RunAsync(string gate)
    {
        await Workflow.ExecuteLocalActivityAsync(
            () => TestActivities.Hold(gate), new LocalActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
        return _signals;
    }

    [WorkflowSignal]
    public Task PokeAsync()
    {
        _signals++;
        return Task.CompletedTask;
    }
}

/// <summary>Lets a test step in while a local activity keeps a workflow task started (same process as the worker).</summary>
public sealed class Gate
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Gate> Gates = new();

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Gate For(string key) => Gates.GetOrAdd(key, _ => new Gate());
}
