using Microsoft.Extensions.Options;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Committee;
using OrderPlatform.Worker.Workflows;
using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>Case bookkeeping around the eight steps: settings, the wait for a person, and how the case ends.</summary>
public sealed class CaseActivities(ICaseStore cases, IOptions<OrderWorkflowOptions> options, IOptions<CommitteeOptions> committee)
{
    public const string Actor = "worker";

    [Activity("load-settings")]
    public WorkflowSettings LoadSettings(OrderWorkflowInput input) =>
        new(input.CorrectionsDeadline ?? options.Value.CorrectionsDeadline, input.ReminderAfter ?? options.Value.ReminderAfter,
            committee.Value.ConfidenceThreshold, options.Value.ZohoRetryInterval, options.Value.ZohoAttemptTimeout,
            options.Value.ZohoHeartbeatTimeout);

    [Activity("await-corrections")]
    public async Task AwaitCorrectionsAsync(string caseId, IReadOnlyList<UncertainField> questions, DateTimeOffset dueAt)
    {
        await cases.UpdateAsync(caseId, c => c with
        {
            Status = CaseStatus.AwaitingCorrections,
            Step = "apply-corrections",
            Questions = questions,
            CorrectionsDueAt = dueAt,
        }, new CaseEventDraft(Actor, "apply-corrections", $"{questions.Count} question(s) for the user ({string.Join(", ", questions.Select(q => q.RowNumber is { } row ? $"{q.Field}@{row}" : $"{q.Field}: {q.Reason}"))}), due {dueAt:O}"),
            ActivityExecutionContext.Current.CancellationToken).ConfigureAwait(false);
    }

    [Activity("record-event")]
    public Task RecordEventAsync(string caseId, string step, string detail) =>
        cases.AppendEventAsync(caseId, new CaseEventDraft(Actor, step, detail), ActivityExecutionContext.Current.CancellationToken);

    /// <summary>Completed, Failed, Cancelled or NeedsAttention, with the reason in words.</summary>
    [Activity("close-case")]
    public async Task CloseCaseAsync(string caseId, CaseStatus status, string step, string? error, string? errorCode)
    {
        try
        {
            await cases.UpdateAsync(caseId, c => c with { Status = status, Step = step, Error = error, ErrorCode = errorCode },
                new CaseEventDraft(Actor, step, error ?? status.ToString()), ActivityExecutionContext.Current.CancellationToken).ConfigureAwait(false);
        }
        catch (InvalidCaseTransitionException ex)
        {
            throw ActivityErrors.Permanent(ActivityErrors.CaseRejected, ex.Message, ex);
        }
    }
}
