using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Worker.Workflows;

/// <summary>
/// Worker settings the workflow needs, read once per run by the load-settings activity so replays stay deterministic.
/// <see cref="ZohoAttemptTimeout"/>, <see cref="ZohoHeartbeatTimeout"/>, <see cref="OutageBudget"/> and
/// <see cref="RetryMaximumInterval"/> are nullable so histories recorded before they existed replay with the default.
/// </summary>
public sealed record WorkflowSettings(
    TimeSpan CorrectionsDeadline,
    TimeSpan ReminderAfter,
    double ConfidenceThreshold,
    TimeSpan ZohoRetryInterval,
    TimeSpan? ZohoAttemptTimeout = null,
    TimeSpan? ZohoHeartbeatTimeout = null,
    TimeSpan? OutageBudget = null,
    TimeSpan? RetryMaximumInterval = null);

/// <summary>store-file's result: the canonical blob, its size and SHA-256 (hex).</summary>
public sealed record StoredFile(string BlobName, string FileName, long SizeBytes, string Sha256);

/// <summary>
/// What a human confirmation teaches the history member (spec R16), with the key run-committee looked it up under:
/// <see cref="TenantId"/> and <see cref="CustomerKey"/> travel with the mapping so apply-corrections saves it exactly
/// where the next order's committee will look. Both are null in histories recorded before they existed; such a
/// confirmation is not saved rather than saved under a key nobody looks up.
/// </summary>
public sealed record MappingBasis(
    string SheetName,
    int? HeaderRowNumber,
    string HeaderFingerprint,
    IReadOnlyDictionary<string, string> ColumnLetters,
    IReadOnlyDictionary<string, string> ColumnHeaders,
    char? DecimalSeparator,
    string? CustomerKey = null,
    string? TenantId = null);

/// <summary>
/// A JSON document in the <c>orders</c> container (<c>{tenant}/{caseId}/...</c>) standing in for data that grows with
/// the sheet, so history stays small; <see cref="Rows"/> is how many rows or lines it holds, for logs and the trail.
/// </summary>
public sealed record BlobRef(string BlobName, string Sha256, int Rows);

/// <summary>
/// run-committee's result: the <see cref="ReviewedOrder"/> lies at <see cref="Review"/>; the customer named by the
/// sheet and the mapping basis ride along because they are small and the workflow hands them on.
/// </summary>
public sealed record ReviewResult(BlobRef Review, string? Customer, MappingBasis Mapping);

/// <summary>
/// The order with its catalog resolution: what create-zoho-draft is built from (stored, see <see cref="StateResult"/>).
/// <see cref="Mapping"/> is set once a person corrected the committee's column map, so later rounds build on (and the
/// history saves) the corrected mapping rather than the vote the workflow still carries. <see cref="LineFixes"/> are the
/// line corrections of every round so far, applied again when a later column answer rebuilds the lines from the sheet.
/// </summary>
public sealed record OrderState(CanonicalOrder Order, CustomerResolution Customer, IReadOnlyList<LineResolution> Lines,
    MappingBasis? Mapping = null, IReadOnlyList<LineCorrection>? LineFixes = null);

/// <summary>
/// resolve-items' input: the reviewed order, the resolved customer and the threshold the questions are asked at.
/// <see cref="Sheet"/> (the parsed sheet) lists the columns a column-mapping question offers; null in older histories.
/// </summary>
public sealed record ItemsRound(string CaseId, BlobRef Review, CustomerResolution Customer, double ConfidenceThreshold, BlobRef? Sheet = null);

/// <summary>
/// An <see cref="OrderState"/> at <see cref="State"/> and what a person must still answer about it: the questions grow
/// with the sheet (one per unsure line), so they lie as a JSON list at <see cref="Questions"/> (null when there are none)
/// and only their count travels through history.
/// </summary>
public sealed record StateResult(BlobRef State, int QuestionCount, BlobRef? Questions);

/// <summary>
/// One human answer to apply: corrections (or an approval) from <see cref="SignalRequest"/>. <see cref="Sheet"/> is the
/// parsed sheet the lines are assembled again from when the answer moves a column; null in histories recorded before.
/// </summary>
public sealed record CorrectionsRound(string CaseId, BlobRef State, SignalRequest Signal, MappingBasis Mapping, bool Approved, double ConfidenceThreshold,
    BlobRef? Sheet = null);

/// <summary>create-zoho-draft's result without the request JSON, which the case document keeps and can be large.</summary>
public sealed record DraftOutcome(bool DryRun, bool Reused, string? SalesOrderId, string? SalesOrderNumber);

/// <summary>Options for the workflow (<c>Orders:CorrectionsDeadline</c>, <c>Orders:ReminderAfter</c>, <c>Orders:ZohoRetryInterval</c>).</summary>
public sealed class OrderWorkflowOptions
{
    public const string Section = "Orders";

    public TimeSpan CorrectionsDeadline { get; set; } = TimeSpan.FromHours(48);

    /// <summary>One reminder this long after the question was asked; must be shorter than the deadline to be sent.</summary>
    public TimeSpan ReminderAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>First retry of create-zoho-draft; Zoho's 429 has no Retry-After, so back off from 20 s (zoho-books spec §6).</summary>
    public TimeSpan ZohoRetryInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Start-to-close of one create-zoho-draft attempt: bounds an attempt whose worker lives but hangs; a worker that
    /// died is noticed sooner, through <see cref="ZohoHeartbeatTimeout"/>.
    /// </summary>
    public TimeSpan ZohoAttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// create-zoho-draft heartbeats while it runs; when a worker dies mid-call, Temporal retries the step on another
    /// worker this long after the last heartbeat instead of after <see cref="ZohoAttemptTimeout"/>.
    /// </summary>
    public TimeSpan ZohoHeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan DefaultOutageBudget = TimeSpan.FromHours(6);

    public static readonly TimeSpan DefaultRetryMaximumInterval = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a step keeps retrying infrastructure errors (schedule-to-close) before the case goes to NeedsAttention:
    /// hours, so a database failover, a storage or Zoho outage or a long deploy does not fail the order.
    /// </summary>
    public TimeSpan OutageBudget { get; set; } = DefaultOutageBudget;

    /// <summary>The longest pause between two attempts of a step (the backoff doubles from 1 s up to this).</summary>
    public TimeSpan RetryMaximumInterval { get; set; } = DefaultRetryMaximumInterval;
}
