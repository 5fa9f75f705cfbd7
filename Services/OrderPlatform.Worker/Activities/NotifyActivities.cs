using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Notifications;
using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>notify-user: tells the user what happened through the notification port, built from the case document.</summary>
public sealed class NotifyActivities(INotificationPort port, ICaseStore cases)
{
    /// <summary>
    /// Questions one message carries. Teams refuses bot messages over about 28 KB, and a card with hundreds of inputs is
    /// unusable anyway; the workflow asks again while questions remain, so the rest follow once these are answered.
    /// </summary>
    public const int QuestionsPerMessage = 25;

    [Activity("notify-user")]
    public async Task<NotifyOutcome> NotifyUserAsync(string caseId, string kind, string? message)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var current = await cases.FindAsync(caseId, ct).ConfigureAwait(false) ?? throw new CaseNotFoundException(caseId);
        var request = new NotifyRequest(kind, current.Conversation, current.TenantId, current.UserId,
            kind == NotifyKinds.Draft ? Summary(current) : null,
            kind == NotifyKinds.Corrections ? current.Questions?.Take(QuestionsPerMessage).ToList() : null,
            message,
            kind == NotifyKinds.Corrections ? current.Questions?.Count : null);
        var outcome = await port.NotifyAsync(caseId, request, IdempotencyKey(caseId, kind, ActivityExecutionContext.Current.Info), ct)
            .ConfigureAwait(false);
        var detail = $"{kind} notification: {outcome}";
        if (kind == NotifyKinds.Draft)
        {
            await cases.UpdateAsync(caseId, c => c with { Status = CaseStatus.Notified, Step = "notify-user" },
                new CaseEventDraft(CaseActivities.Actor, "notify-user", detail), ct).ConfigureAwait(false);
        }
        else
        {
            await cases.AppendEventAsync(caseId, new CaseEventDraft(CaseActivities.Actor, "notify-user", detail), ct).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Stable across the retries of one scheduled notify (Temporal keeps the activity id), different for the next one
    /// (a reminder, the next round's questions), and for a new run of the case.
    /// </summary>
    public static string IdempotencyKey(string caseId, string kind, ActivityInfo info) =>
        $"{caseId}:{kind}:{info.WorkflowRunId}:{info.ActivityId}";

    private static DraftSummary Summary(CaseDocument c) => new(
        c.Draft?.DryRun == true ? "dry run" : c.Draft?.SalesOrderNumber,
        c.Customer?.Match?.Name ?? c.Order?.Customer,
        c.Order?.Lines.Count ?? 0,
        c.Order?.Lines.Sum(l => (l.Quantity ?? 0) * (l.UnitPrice ?? 0)));
}
