namespace OrderPlatform.Contracts;

/// <summary>Names the Api and the Worker must agree on (architecture.md, Temporal).</summary>
public static class OrderWorkflow
{
    public const string Name = "OrderProcessingWorkflow";
    public const string StatusQuery = "Status";
    public const string DefaultNamespace = "order-processing";
    public const string DefaultTaskQueue = "order-processing-queue";

    /// <summary>
    /// The workflow header carrying the Api request's trace (traceparent/tracestate) into the Worker: the one
    /// Temporalio.Extensions.OpenTelemetry writes, so either side can move to that package.
    /// </summary>
    public const string TraceHeader = "_tracer-data";
}

/// <summary>
/// Input of the order workflow (workflow id = <see cref="CaseId"/>). <see cref="BlobUrl"/> is where the upload lies;
/// store-file copies it to <c>orders/{tenant}/{caseId}/original.{ext}</c> when it lies elsewhere. The optional
/// durations override the Worker's configured corrections deadline and reminder (tests, special tenants).
/// </summary>
public sealed record OrderWorkflowInput(
    string CaseId,
    string TenantId,
    string UserId,
    string BlobUrl,
    string FileName,
    ConversationReference? Conversation = null,
    TeamsReference? Teams = null,
    TimeSpan? CorrectionsDeadline = null,
    TimeSpan? ReminderAfter = null);

/// <summary>
/// What the workflow's <c>Status</c> query answers while it runs. The workflow itself answers the open questions only
/// as <see cref="QuestionCount"/> and <see cref="QuestionsBlob"/> (their JSON in the <c>orders</c> container), so that
/// neither its history nor the query grows with the sheet; <see cref="Questions"/> is filled by the Api's status route
/// from the case document.
/// </summary>
public sealed record OrderWorkflowStatus(
    CaseStatus Status,
    string Step,
    IReadOnlyList<UncertainField> Questions,
    DateTimeOffset? CorrectionsDueAt,
    bool ReminderSent,
    string? Error,
    int QuestionCount = 0,
    string? QuestionsBlob = null);

/// <summary>How the workflow ended; the case document holds the details.</summary>
public sealed record OrderWorkflowResult(CaseStatus Status, string? SalesOrderId, string? SalesOrderNumber, bool DryRun, string? Error);
