using OrderPlatform.Worker.Activities;
using Temporalio.Common;
using Temporalio.Workflows;

namespace OrderPlatform.Worker.Workflows;

/// <summary>
/// Timeouts and retry policies of the order workflow's activities. Infrastructure errors (Postgres, Blob storage,
/// Temporal, Zoho 5xx/429, the bot unreachable) are retried with backoff until the outage budget
/// (<c>Orders:OutageBudget</c>, hours) runs out — an ordinary outage must not fail a customer's order — while the
/// typed user and data errors of <see cref="ActivityErrors.NonRetryable"/> fail at once. Closing a case has no budget:
/// the workflow never ends with the case left open in the store.
/// </summary>
internal static class OrderActivityOptions
{
    /// <summary>load-settings reads only the Worker's options, so it needs no outage budget (and runs before there is one).</summary>
    public static readonly ActivityOptions Settings = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        RetryPolicy = new() { MaximumInterval = TimeSpan.FromSeconds(10), NonRetryableErrorTypes = ActivityErrors.NonRetryable },
    };

    public static ActivityOptions Quick(WorkflowSettings settings) => Outlasting(settings, TimeSpan.FromSeconds(30));

    public static ActivityOptions Files(WorkflowSettings settings) => Outlasting(settings, TimeSpan.FromMinutes(2));

    /// <summary>
    /// resolve-items and apply-corrections look a whole sheet up (10,000 lines in one batched query); resolve-items
    /// heartbeats, so a worker that died mid-sheet is noticed after 30 s rather than the two minutes.
    /// </summary>
    public static ActivityOptions Resolving(WorkflowSettings settings) => Outlasting(settings, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30));

    /// <summary>
    /// close-case retries until the case store answers, however long that takes: a run whose step gave up after the
    /// budget still has to record how the case ended before it tells the user.
    /// </summary>
    public static ActivityOptions Closing(WorkflowSettings settings) => new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        RetryPolicy = Backoff(settings, TimeSpan.FromSeconds(1)),
    };

    // Zoho answers 429 without Retry-After, so its retries back off from a configured interval (20 s by default). The
    // heartbeat timeout, not the attempt timeout, decides how soon a crashed worker's attempt is handed to another.
    public static ActivityOptions Zoho(WorkflowSettings settings) => new()
    {
        StartToCloseTimeout = settings.ZohoAttemptTimeout ?? TimeSpan.FromMinutes(2),
        HeartbeatTimeout = settings.ZohoHeartbeatTimeout ?? TimeSpan.FromSeconds(15),
        ScheduleToCloseTimeout = Budget(settings),
        RetryPolicy = Backoff(settings, settings.ZohoRetryInterval),
    };

    private static ActivityOptions Outlasting(WorkflowSettings settings, TimeSpan attempt, TimeSpan? heartbeat = null) => new()
    {
        StartToCloseTimeout = attempt,
        HeartbeatTimeout = heartbeat,
        ScheduleToCloseTimeout = Budget(settings),
        RetryPolicy = Backoff(settings, TimeSpan.FromSeconds(1)),
    };

    // Unlimited attempts: the schedule-to-close timeout is the bound, so the budget means the same for every step.
    private static RetryPolicy Backoff(WorkflowSettings settings, TimeSpan first) => new()
    {
        InitialInterval = first,
        BackoffCoefficient = 2,
        MaximumInterval = settings.RetryMaximumInterval ?? OrderWorkflowOptions.DefaultRetryMaximumInterval,
        MaximumAttempts = 0,
        NonRetryableErrorTypes = ActivityErrors.NonRetryable,
    };

    private static TimeSpan Budget(WorkflowSettings settings) => settings.OutageBudget ?? OrderWorkflowOptions.DefaultOutageBudget;
}
