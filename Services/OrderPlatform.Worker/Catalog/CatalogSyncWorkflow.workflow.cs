using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace OrderPlatform.Worker.Catalog;

/// <summary>The first interval to sleep after a sync that failed, and how many syncs a run performs before it continues as new.</summary>
public sealed record CatalogSyncInput(TimeSpan Interval, int SyncsPerRun);

/// <summary>
/// Keeps the catalog replica fresh: sync, sleep the interval on a durable timer, again; after
/// <see cref="CatalogSyncInput.SyncsPerRun"/> syncs it continues as new so its history stays short. Stands in for a
/// Temporal schedule, which the embedded dev server does not offer. One run per Zoho organization (a fixed workflow id,
/// see <see cref="CatalogSyncStarter"/>). A failed sync leaves the replica as it was and the next interval tries again.
/// </summary>
[Workflow(Name)]
public sealed class CatalogSyncWorkflow
{
    public const string Name = "CatalogSyncWorkflow";

    [WorkflowRun]
    public async Task RunAsync(CatalogSyncInput input)
    {
        var interval = input.Interval;
        for (var sync = 0; sync < input.SyncsPerRun; sync++)
        {
            try
            {
                interval = (await Workflow.ExecuteActivityAsync((CatalogSyncActivities a) => a.SyncAsync(), Options(interval))).NextInterval;
            }
            catch (ActivityFailureException)
            {
                // Logged by the activity; the replica is unchanged and the next interval tries again.
            }

            await Workflow.DelayAsync(interval);
        }

        var next = input with { Interval = interval };
        throw Workflow.CreateContinueAsNewException((CatalogSyncWorkflow wf) => wf.RunAsync(next));
    }

    // Up to 500 pages per list behind an 80-per-minute throttle; the heartbeat notices a dead worker long before. A
    // failed page is retried a few times well inside the interval, so one bad answer does not leave the replica stale
    // for a whole interval.
    private static ActivityOptions Options(TimeSpan interval) => new()
    {
        StartToCloseTimeout = TimeSpan.FromMinutes(30),
        HeartbeatTimeout = TimeSpan.FromMinutes(1),
        RetryPolicy = new RetryPolicy
        {
            InitialInterval = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, interval.Ticks / 10)),
            BackoffCoefficient = 2,
            MaximumAttempts = 3,
        },
    };
}
