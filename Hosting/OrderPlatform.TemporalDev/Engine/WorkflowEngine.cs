using Microsoft.Extensions.Logging;
using OrderPlatform.TemporalDev.Grpc;
using OrderPlatform.TemporalDev.Persistence;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace OrderPlatform.TemporalDev.Engine;

/// <summary>
/// The in-memory WorkflowService state: one coarse lock over every run, plus per-queue and per-run signals that
/// release long polls. Handlers are split by feature into partial files.
/// </summary>
internal sealed partial class WorkflowEngine : IAsyncDisposable
{
    /// <summary>
    /// Deadlines (task timeouts, timers, retries) come due hundreds of times a second under load, mostly as no-ops for
    /// tasks long finished. Firing a little late lets one timer callback run all that fall within a few
    /// milliseconds, instead of a wake-up (and, with an awaited timeout, an exception) for each.
    /// </summary>
    private static readonly TimeSpan DeadlineSlack = TimeSpan.FromMilliseconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, WorkflowRun> _runs = [];
    private readonly Dictionary<(string Ns, string WorkflowId), WorkflowRun> _current = [];
    private readonly Dictionary<(string Ns, string Queue), TaskQueueState> _queues = [];
    private readonly PriorityQueue<Action, DateTime> _deadlines = new();
    private readonly HashSet<WorkflowRun> _dirty = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Timer _deadlineTimer;
    private readonly RunStore? _store;
    private readonly ILogger _logger;

    // When the deadline timer fires next (under the lock); MaxValue while it is idle.
    private DateTime _timerDue = DateTime.MaxValue;

    public WorkflowEngine(IEnumerable<string> namespaces, RunStore? store, TimeSpan pollHold, ILogger logger)
    {
        Namespaces = new HashSet<string>(namespaces) { "default" };
        PollHold = pollHold;
        _store = store;
        _logger = logger;
        _deadlineTimer = new Timer(_ => RunDueDeadlines());
        if (_store is not null)
        {
            Recover(_store.LoadAll());
        }
    }

    public IReadOnlySet<string> Namespaces { get; }

    public TimeSpan PollHold { get; }

    public CancellationToken Stopping => _stopping.Token;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        // Waits for a callback in progress, so none runs against a disposed engine.
        await _deadlineTimer.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Runs a mutation under the lock, then persists every run it touched.</summary>
    private T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            try
            {
                return action();
            }
            finally
            {
                Persist();
            }
        }
    }

    private void Locked(Action action) => Locked(() =>
    {
        action();
        return true;
    });

    private void Persist()
    {
        if (_dirty.Count == 0)
        {
            return;
        }

        _store?.Save(_dirty);
        _dirty.Clear();
    }

    private HistoryEvent Append(WorkflowRun run, HistoryEvent e)
    {
        run.Append(e);
        _dirty.Add(run);
        run.Changed.Pulse();
        return e;
    }

    private TaskQueueState Queue(string ns, string name)
    {
        if (!_queues.TryGetValue((ns, name), out TaskQueueState? queue))
        {
            queue = new TaskQueueState();
            _queues[(ns, name)] = queue;
        }

        return queue;
    }

    private WorkflowRun RunOrThrow(string ns, string workflowId, string? runId)
    {
        WorkflowRun? run = null;
        if (!string.IsNullOrEmpty(runId))
        {
            _runs.TryGetValue(runId, out run);
        }
        else
        {
            _current.TryGetValue((ns, workflowId), out run);
        }

        if (run is null || run.Namespace != ns || run.WorkflowId != workflowId)
        {
            throw RpcErrors.NotFound($"workflow execution not found: {workflowId} {runId}");
        }

        return run;
    }

    private WorkflowRun OpenRunOrThrow(string ns, string workflowId, string? runId)
    {
        WorkflowRun run = RunOrThrow(ns, workflowId, runId);
        return run.IsOpen ? run : throw RpcErrors.NotFound("workflow execution already completed");
    }

    private void Close(WorkflowRun run, WorkflowExecutionStatus status)
    {
        run.Status = status;
        run.CloseTime = DateTime.UtcNow;
        run.Activities.Clear();
        run.Timers.Clear();
        run.Buffer.Clear();
        run.TaskScheduledId = 0;
        run.TaskStartedId = 0;
        // Queries after close go to the normal queue with full history: the caching worker evicts a closed run.
        run.StickyQueue = null;
        _dirty.Add(run);
        run.Changed.Pulse();
        run.Closed.Pulse();
        // A closed run can still answer queries; wake pollers in case one waits.
        OfferWorkflowWork(run);
        AbandonUpdates(run);
        NotifyParent(run);
        ApplyParentClosePolicy(run);
    }

    /// <summary>
    /// Waits for work: <paramref name="tryTake"/> runs under the lock and returns the reply or the signal to wait on.
    /// Gives up with null after the hold, so the client re-polls well before its own deadline.
    /// </summary>
    private async Task<T?> LongPollAsync<T>(Func<(T? Result, Task? Wait)> tryTake, TimeSpan hold, CancellationToken cancel)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel, _stopping.Token);
        timeout.CancelAfter(hold);
        while (true)
        {
            (T? result, Task? wait) = Locked(tryTake);
            if (result is not null || wait is null)
            {
                return result;
            }

            try
            {
                await wait.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A caller that has gone away must not be handed a task it will never receive.
                return cancel.IsCancellationRequested || _stopping.IsCancellationRequested ? null : Locked(tryTake).Result;
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> under the lock once <paramref name="due"/> has passed.</summary>
    private void At(DateTime due, Action action)
    {
        _deadlines.Enqueue(action, due);
        if (due + DeadlineSlack < _timerDue)
        {
            ArmDeadlineTimer(due);
        }
    }

    private void ArmDeadlineTimer(DateTime due)
    {
        _timerDue = due + DeadlineSlack;
        TimeSpan wait = _timerDue - DateTime.UtcNow;
        _deadlineTimer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void RunDueDeadlines()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _timerDue = DateTime.MaxValue;
            DateTime now = DateTime.UtcNow;
            try
            {
                while (_deadlines.TryPeek(out Action? action, out DateTime due) && due <= now)
                {
                    _deadlines.Dequeue();
                    try
                    {
                        action();
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or global::Grpc.Core.RpcException)
                    {
                        _logger.LogWarning(ex, "Deadline action failed");
                    }
                }

                Persist();
            }
            catch (Exception ex)
            {
                // This runs on a timer thread, where an exception would end the whole server process; log it and keep
                // the remaining deadlines armed instead (a failed Persist is retried by the next state change).
                _logger.LogError(ex, "Running due deadlines failed");
            }
            finally
            {
                if (_deadlines.TryPeek(out _, out DateTime next))
                {
                    ArmDeadlineTimer(next);
                }
            }
        }
    }
}

/// <summary>Runs offered to workflow pollers and activities offered to activity pollers of one task queue.</summary>
internal sealed class TaskQueueState
{
    public Queue<WorkflowRun> WorkflowWork { get; } = new();

    public Queue<(WorkflowRun Run, ActivityState Activity, int Attempt)> ActivityWork { get; } = new();

    public AsyncSignal WorkflowSignal { get; } = new();

    public AsyncSignal ActivitySignal { get; } = new();

    /// <summary>Set on a sticky queue whose worker announced its shutdown: nothing is routed there any more.</summary>
    public bool ShutDown { get; set; }
}
