using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

/// <summary>One run of a workflow: its history (the source of truth) plus the in-flight state derived from it.</summary>
internal sealed class WorkflowRun(string ns, string workflowId, string runId, StartWorkflowExecutionRequest start)
{
    // Seeded from the clock so task ids keep increasing across a restart with --db-filename.
    private static long _taskIds = DateTime.UtcNow.Ticks;

    public string Namespace { get; } = ns;

    public string WorkflowId { get; } = workflowId;

    public string RunId { get; } = runId;

    /// <summary>The effective start request (continue-as-new overrides applied); kept for the next run.</summary>
    public StartWorkflowExecutionRequest Start { get; } = start;

    public WorkflowExecution Execution => new() { WorkflowId = WorkflowId, RunId = RunId };

    public List<HistoryEvent> History { get; } = [];

    /// <summary>Outside events that arrived while a workflow task was started; appended after its outcome.</summary>
    public List<Action> Buffer { get; } = [];

    public WorkflowExecutionStatus Status { get; set; } = WorkflowExecutionStatus.Running;

    public bool IsOpen => Status == WorkflowExecutionStatus.Running;

    public DateTime StartTime { get; set; } = DateTime.UtcNow;

    public DateTime? CloseTime { get; set; }

    public SearchAttributes SearchAttributes { get; set; } = new();

    public Memo Memo { get; set; } = new();

    public long TaskScheduledId { get; set; }

    public long TaskStartedId { get; set; }

    public int TaskAttempt { get; set; } = 1;

    public DateTime TaskScheduledTime { get; set; }

    public DateTime TaskStartedTime { get; set; }

    /// <summary>Started event id of the last completed workflow task (the poll reply's previous_started_event_id).</summary>
    public long LastCompletedStartedId { get; set; }

    /// <summary>
    /// The sticky queue of the worker that caches this run, from its last completion's sticky attributes; while set,
    /// tasks and queries go there with only the new events. Null routes everything to the normal queue.
    /// </summary>
    public string? StickyQueue { get; set; }

    /// <summary>How long a task may wait on <see cref="StickyQueue"/> before it moves to the normal queue.</summary>
    public TimeSpan StickyScheduleToStart { get; set; }

    public bool CancelRequested { get; set; }

    public Dictionary<long, ActivityState> Activities { get; } = [];

    public Dictionary<string, TimerState> Timers { get; } = [];

    public Queue<PendingQuery> Queries { get; } = new();

    public PendingQuery? ActiveQuery { get; set; }

    public HashSet<string> RequestIds { get; } = [];

    public AsyncSignal Changed { get; } = new();

    /// <summary>Pulsed once, when the run closes; result waits listen here instead of waking on every event.</summary>
    public AsyncSignal Closed { get; } = new();

    /// <summary>Set on a child run: who to tell when it closes.</summary>
    public ParentRef? Parent { get; set; }

    /// <summary>Updates by id, kept after completion so a repeated id gets the same outcome.</summary>
    public Dictionary<string, UpdateState> Updates { get; } = [];

    /// <summary>Started children by their initiated event id.</summary>
    public Dictionary<long, ChildRef> Children { get; } = [];

    public Duration TaskTimeout => Start.WorkflowTaskTimeout is { } t && t.ToTimeSpan() > TimeSpan.Zero
        ? t
        : Duration.FromTimeSpan(TimeSpan.FromSeconds(10));

    public HistoryEvent Append(HistoryEvent e)
    {
        e.EventId = History.Count + 1;
        e.EventTime ??= Timestamp.FromDateTime(DateTime.UtcNow);
        e.TaskId = Interlocked.Increment(ref _taskIds);
        History.Add(e);
        return e;
    }
}
