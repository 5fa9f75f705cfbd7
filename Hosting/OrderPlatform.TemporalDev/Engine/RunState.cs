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
