using Microsoft.Extensions.Options;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Committee;
using OrderPlatform.Worker.Workflows;
using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>Case bookkeeping around the eight steps: settings, the wait for a person, and how the case ends.</summary>
public sealed class CaseActivities(ICaseStore cases, OrderBlobs documents, IOptions<OrderWorkflowOptions> options, IOptions<CommitteeOptions> committee)
{
    public const string Actor = "worker";

    // The trail names the first questions only: a sheet of unsure lines must not turn into one enormous event.
    private const int QuestionsInTrail = 20;

    [Activity("load-settings")]
    public WorkflowSettings LoadSettings(OrderWorkflowInput input) =>
        new(input.CorrectionsDeadline ?? options.Value.CorrectionsDeadline, input.ReminderAfter ?? options.Value.ReminderAfter,
            committee.Value.ConfidenceThreshold, options.Value.ZohoRetryInterval, options.Value.ZohoAttemptTimeout,
            options.Value.ZohoHeartbeatTimeout, options.Value.OutageBudget, options.Value.RetryMaximumInterval);

    /// <summary>Copies the stored questions onto the case, where the Api's status route and the notification read them.</summary>
    [Activity("await-corrections")]
    public async Task AwaitCorrectionsAsync(string caseId, BlobRef questionsRef, DateTimeOffset dueAt)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var questions = await documents.ReadAsync<List<UncertainField>>(questionsRef, ct).ConfigureAwait(false);
        var named = string.Join(", ", questions.Take(QuestionsInTrail).Select(q => q.RowNumber is { } row ? $"{q.Field}@{row}" : $"{q.Field}: {q.Reason}"));
        var more = questions.Count > QuestionsInTrail ? $", and {questions.Count - QuestionsInTrail} more" : "";
        await cases.UpdateAsync(caseId, c => c with
        {
            Status = CaseStatus.AwaitingCorrections,
            Step = "apply-corrections",
            Questions = questions,
            CorrectionsDueAt = dueAt,
        }, new CaseEventDraft(Actor, "apply-corrections", $"{questions.Count} question(s) for the user ({named}{more}), due {dueAt:O}"), ct)
            .ConfigureAwait(false);
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
