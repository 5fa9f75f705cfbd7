using Temporalio.Api.Common.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Query.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Engine;

/// <summary>A scheduled activity; retries happen here and stay out of history until the final attempt.</summary>
internal sealed class ActivityState(long scheduledEventId, ActivityTaskScheduledEventAttributes attributes, DateTime scheduledTime)
{
    public long ScheduledEventId { get; } = scheduledEventId;

    public ActivityTaskScheduledEventAttributes Attributes { get; } = attributes;

    public DateTime ScheduledTime { get; } = scheduledTime;

    public int Attempt { get; set; } = 1;

    /// <summary>True while a worker holds the current attempt.</summary>
    public bool Running { get; set; }

    public DateTime AttemptScheduledTime { get; set; } = scheduledTime;

    public DateTime StartedTime { get; set; }

    public DateTime LastHeartbeatTime { get; set; }

    public Payloads? HeartbeatDetails { get; set; }

    public Failure? LastFailure { get; set; }

    public long CancelRequestedEventId { get; set; }

    public string Identity { get; set; } = "";
}

/// <summary>A started timer awaiting its fire time.</summary>
internal sealed record TimerState(string TimerId, long StartedEventId, DateTime FireAt);

/// <summary>A legacy query waiting for a worker's answer.</summary>
internal sealed class PendingQuery(string id, WorkflowQuery query)
{
    public string Id { get; } = id;

    public WorkflowQuery Query { get; } = query;

    public TaskCompletionSource<RespondQueryTaskCompletedRequest> Answer { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A child's link to its parent's StartChildWorkflowExecutionInitiated event.</summary>
internal sealed record ParentRef(string RunId, long InitiatedId);

/// <summary>A parent's link to a started child (the current run of its chain).</summary>
internal sealed record ChildRef(string RunId, long StartedEventId, Temporalio.Api.Enums.V1.ParentClosePolicy ClosePolicy);

/// <summary>A workflow update from admission to outcome.</summary>
internal sealed class UpdateState(WorkflowRun run, Temporalio.Api.Update.V1.Request request)
{
    public WorkflowRun Run { get; } = run;

    public Temporalio.Api.Update.V1.Request Request { get; } = request;

    public string Id => Request.Meta.UpdateId;

    public string MessageId => $"{Id}/request";

    public Temporalio.Api.Update.V1.UpdateRef Ref => new() { WorkflowExecution = Run.Execution, UpdateId = Id };

    public Temporalio.Api.Enums.V1.UpdateWorkflowExecutionLifecycleStage Stage { get; set; } =
        Temporalio.Api.Enums.V1.UpdateWorkflowExecutionLifecycleStage.Admitted;

    /// <summary>Started event id of the task that carried the request; 0 while it waits for one.</summary>
    public long DeliveredIn { get; set; }

    public long SequencingEventId { get; set; }

    public long AcceptedEventId { get; set; }

    public Temporalio.Api.Update.V1.Outcome? Outcome { get; set; }

    /// <summary>The run closed before the update completed.</summary>
    public bool Abandoned { get; set; }
}
