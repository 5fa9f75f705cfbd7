using OrderPlatform.Contracts;
using OrderPlatform.Worker.Activities;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace OrderPlatform.Worker.Workflows;

/// <summary>
/// One order case: store-file → parse-excel → run-committee → resolve-customer → resolve-items → apply-corrections →
/// create-zoho-draft → notify-user. A case that needs a person waits for the <c>corrections</c> or <c>approve</c>
/// signal until a deadline (one reminder on the way), then goes to NeedsAttention; <c>cancel</c> ends it at the next
/// step boundary. Failures end the case as Failed with a sentence for the user instead of failing the workflow.
/// </summary>
[Workflow(OrderWorkflow.Name)]
public sealed class OrderProcessingWorkflow
{
    private readonly Queue<SignalRequest> _answers = new();
    private readonly HashSet<string> _seenRequests = [];
    private SignalRequest? _cancel;
    private CaseStatus _status = CaseStatus.Received;
    private string _step = "start";
    private int _questionCount;
    private string? _questionsBlob;
    private DateTimeOffset? _dueAt;
    private bool _reminderSent;
    private string? _error;
    private WorkflowSettings _settings = new(TimeSpan.Zero, TimeSpan.Zero, 0, TimeSpan.Zero);

    private ActivityOptions Quick => OrderActivityOptions.Quick(_settings);

    private ActivityOptions Files => OrderActivityOptions.Files(_settings);

    [WorkflowQuery(OrderWorkflow.StatusQuery)]
    public OrderWorkflowStatus Status => new(_status, _step, [], _dueAt, _reminderSent, _error, _questionCount, _questionsBlob);

    [WorkflowSignal(SignalNames.Corrections)]
    public Task CorrectionsAsync(SignalRequest signal)
    {
        if (FirstDelivery(signal))
        {
            _answers.Enqueue(signal);
        }

        return Task.CompletedTask;
    }

    [WorkflowSignal(SignalNames.Approve)]
    public Task ApproveAsync(SignalRequest signal)
    {
        if (FirstDelivery(signal))
        {
            _answers.Enqueue(signal with { Signal = SignalNames.Approve });
        }

        return Task.CompletedTask;
    }

    [WorkflowSignal(SignalNames.Cancel)]
    public Task CancelAsync(SignalRequest signal)
    {
        _cancel ??= signal;
        return Task.CompletedTask;
    }

    [WorkflowRun]
    public async Task<OrderWorkflowResult> RunAsync(OrderWorkflowInput input)
    {
        var caseId = input.CaseId;
        try
        {
            var settings = _settings = await Workflow.ExecuteActivityAsync((CaseActivities a) => a.LoadSettings(input), OrderActivityOptions.Settings);
            var stored = await StepAsync("store-file", CaseStatus.Stored, () =>
                Workflow.ExecuteActivityAsync((FileActivities a) => a.StoreFileAsync(input), Files));
            // Sheet, reviewed order and state travel as blob references: history carries no payload that grows with the file.
            var sheet = await StepAsync("parse-excel", CaseStatus.Parsed, () =>
                Workflow.ExecuteActivityAsync((FileActivities a) => a.ParseExcelAsync(caseId, stored), Files));
            var reviewed = await StepAsync("run-committee", CaseStatus.Reviewed, () =>
                Workflow.ExecuteActivityAsync((ReviewActivities a) => a.RunCommitteeAsync(caseId, sheet), Files));
            var customer = await StepAsync("resolve-customer", CaseStatus.Reviewed, () =>
                Workflow.ExecuteActivityAsync((CatalogActivities a) => a.ResolveCustomerAsync(caseId, reviewed.Customer), Quick));
            var items = new ItemsRound(caseId, reviewed.Review, customer, settings.ConfidenceThreshold, sheet);
            var state = await StepAsync("resolve-items", CaseStatus.Resolved, () =>
                Workflow.ExecuteActivityAsync((CatalogActivities a) => a.ResolveItemsAsync(items), OrderActivityOptions.Resolving(_settings)));

            while (state is { QuestionCount: > 0, Questions: { } questions })
            {
                var answer = await AskAsync(caseId, questions, state.QuestionCount, settings);
                if (answer is null)
                {
                    return _cancel is null ? await GiveUpAsync(caseId) : await CancelCaseAsync(caseId);
                }

                var round = new CorrectionsRound(caseId, state.State, answer, reviewed.Mapping, answer.Signal == SignalNames.Approve,
                    settings.ConfidenceThreshold, sheet);
                state = await StepAsync("apply-corrections", CaseStatus.Corrected, () =>
                    Workflow.ExecuteActivityAsync((ReviewActivities a) => a.ApplyCorrectionsAsync(round), OrderActivityOptions.Resolving(_settings)));
            }

            var today = DateOnly.FromDateTime(Workflow.UtcNow);
            var ready = state.State;
            var draft = await StepAsync("create-zoho-draft", CaseStatus.DraftCreated, () =>
                Workflow.ExecuteActivityAsync((DraftActivities a) => a.CreateZohoDraftAsync(caseId, ready, today), OrderActivityOptions.Zoho(settings)));
            await NotifyAsync(caseId, NotifyKinds.Draft, null);
            _status = CaseStatus.Notified;
            await CloseAsync(caseId, CaseStatus.Completed, "notify-user", null, null);
            return new OrderWorkflowResult(CaseStatus.Completed, draft.SalesOrderId, draft.SalesOrderNumber, draft.DryRun, null);
        }
        catch (CancelRequestedException)
        {
            return await CancelCaseAsync(caseId);
        }
        catch (ActivityFailureException ex)
        {
            return await FailAsync(caseId, ex);
        }
    }

    /// <summary>Asks, waits for an answer, reminds once; null when the deadline passed or the case was cancelled.</summary>
    private async Task<SignalRequest?> AskAsync(string caseId, BlobRef questions, int count, WorkflowSettings settings)
    {
        // Answers queued before this round's card went out were meant for an earlier round (a resent approve, a double
        // click): they must not answer questions their sender has not seen. Histories recorded before kept them.
        if (Workflow.Patched(Patches.DropStaleAnswers))
        {
            _answers.Clear();
        }

        _questionCount = count;
        _questionsBlob = questions.BlobName;
        _dueAt = Workflow.UtcNow + settings.CorrectionsDeadline;
        var dueAt = _dueAt.Value;
        _step = "apply-corrections";
        await Workflow.ExecuteActivityAsync((CaseActivities a) => a.AwaitCorrectionsAsync(caseId, questions, dueAt), Quick);
        _status = CaseStatus.AwaitingCorrections;
        await NotifyAsync(caseId, NotifyKinds.Corrections, null);

        bool Answered() => _answers.Count > 0 || _cancel is not null;
        if (!_reminderSent && settings.ReminderAfter < settings.CorrectionsDeadline
            && !await Workflow.WaitConditionAsync(Answered, settings.ReminderAfter))
        {
            _reminderSent = true;
            await Workflow.ExecuteActivityAsync((CaseActivities a) => a.RecordEventAsync(caseId, "apply-corrections", "reminder sent"), Quick);
            await NotifyAsync(caseId, NotifyKinds.Message, $"Reminder: order {caseId} still needs your answers before {dueAt:u}.");
        }

        var left = dueAt - Workflow.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Workflow.WaitConditionAsync(Answered, left);
        }

        return _cancel is null && _answers.TryDequeue(out var answer) ? answer : null;
    }

    /// <summary>
    /// A typed user or data error fails the case with its sentence; anything else (an outage that outlasted the budget,
    /// a bug) is for a person: NeedsAttention, and the user gets a sentence with the run id to quote, never the error
    /// text, which may name hosts, addresses or SDK internals. That text goes to the log and the error code.
    /// </summary>
    private async Task<OrderWorkflowResult> FailAsync(string caseId, ActivityFailureException ex)
    {
        var failure = ex.InnerException as ApplicationFailureException;
        var code = failure?.ErrorType ?? ex.InnerException?.GetType().Name;
        var typed = failure?.ErrorType is { } type && ActivityErrors.ForUser.Contains(type);
        var status = typed ? CaseStatus.Failed : CaseStatus.NeedsAttention;
        _error = typed ? failure!.Message
            : $"The order could not be processed because a service it needs was unavailable; the team has been told (reference {Workflow.Info.RunId}).";
        if (!typed)
        {
            Workflow.Logger.LogError(ex, "Case {CaseId} step {Step} gave up ({Code}), run {RunId}", caseId, _step, code, Workflow.Info.RunId);
        }

        try
        {
            await CloseAsync(caseId, status, _step, _error, code);
        }
        catch (ActivityFailureException)
        {
            // The store refused the transition (the case was closed meanwhile): the user is still told below.
        }

        await NotifyAsync(caseId, NotifyKinds.Message, _error);
        return new OrderWorkflowResult(status, null, null, false, _error);
    }

    private async Task<OrderWorkflowResult> GiveUpAsync(string caseId)
    {
        _error = "Nobody answered the open questions before the deadline; a person must look at this order.";
        await CloseAsync(caseId, CaseStatus.NeedsAttention, "apply-corrections", _error, "CorrectionsDeadline");
        await NotifyAsync(caseId, NotifyKinds.Message, _error);
        return new OrderWorkflowResult(CaseStatus.NeedsAttention, null, null, false, _error);
    }

    private async Task<OrderWorkflowResult> CancelCaseAsync(string caseId)
    {
        var reason = $"Cancelled by {_cancel?.UserId ?? "a user"}{(_cancel?.Reason is { Length: > 0 } r ? $": {r}" : "")}.";
        await CloseAsync(caseId, CaseStatus.Cancelled, _step, reason, "Cancelled");
        return new OrderWorkflowResult(CaseStatus.Cancelled, null, null, false, reason);
    }

    private async Task<T> StepAsync<T>(string step, CaseStatus reached, Func<Task<T>> run)
    {
        if (_cancel is not null)
        {
            throw new CancelRequestedException();
        }

        _step = step;
        var result = await run();
        _status = reached;
        return result;
    }

    private Task CloseAsync(string caseId, CaseStatus status, string step, string? error, string? code)
    {
        _status = status;
        return Workflow.ExecuteActivityAsync((CaseActivities a) => a.CloseCaseAsync(caseId, status, step, error, code), OrderActivityOptions.Closing(_settings));
    }

    // A user who blocked the bot or has no chat is recorded, never retried; other notify failures must not fail the case.
    private async Task NotifyAsync(string caseId, string kind, string? message)
    {
        try
        {
            await Workflow.ExecuteActivityAsync((NotifyActivities a) => a.NotifyUserAsync(caseId, kind, message),
                Quick);
        }
        catch (ActivityFailureException)
        {
            await Workflow.ExecuteActivityAsync((CaseActivities a) => a.RecordEventAsync(caseId, "notify-user", $"{kind} notification failed"), Quick);
        }
    }

    /// <summary>A signal whose request id was seen already is a resend (a client or connector retry) and is ignored.</summary>
    private bool FirstDelivery(SignalRequest signal) => signal.RequestId is not { Length: > 0 } id || _seenRequests.Add(id);

    private sealed class CancelRequestedException : Exception;
}
