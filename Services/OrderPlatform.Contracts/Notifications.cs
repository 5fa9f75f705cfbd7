namespace OrderPlatform.Contracts;

/// <summary>Kinds of <see cref="NotifyRequest"/>.</summary>
public static class NotifyKinds
{
    /// <summary>The Zoho draft exists: <see cref="NotifyRequest.Draft"/> is set.</summary>
    public const string Draft = "draft";

    /// <summary>
    /// The workflow waits for answers: <see cref="NotifyRequest.UncertainFields"/> lists the questions, at most a
    /// card's worth; <see cref="NotifyRequest.UncertainFieldTotal"/> says how many are open in all.
    /// </summary>
    public const string Corrections = "corrections";

    /// <summary>Plain text in <see cref="NotifyRequest.Message"/> (failures, cancellations).</summary>
    public const string Message = "message";
}

/// <summary>
/// Body of the bot's <c>POST /api/notify/{caseId}</c> (header <c>X-Api-Key</c> with the notify key, not the Api's). The
/// bot sends only to the chat it recorded for <see cref="TenantId"/>/<see cref="UserId"/>; <see cref="Conversation"/>,
/// when given, only names them.
/// Answers: 200 <see cref="NotifyResult"/>; 410 with outcome <c>blocked</c> when the user blocked or removed the app
/// (MessageWritesBlocked: permanent, record it on the case, do not retry); 404 when no chat is known for the user;
/// 502 when the connector kept failing (retryable); 400 for an invalid body. With an <c>Idempotency-Key</c> header
/// (at most 200 characters) the bot sends once per case and key: a repeat gets the first 200 again, or 409 while the
/// first is still being sent (retry later).
/// </summary>
public sealed record NotifyRequest(
    string Kind,
    ConversationReference? Conversation = null,
    string? TenantId = null,
    string? UserId = null,
    DraftSummary? Draft = null,
    IReadOnlyList<UncertainField>? UncertainFields = null,
    string? Message = null,
    int? UncertainFieldTotal = null);

/// <summary>What the draft summary shows.</summary>
public sealed record DraftSummary(
    string? DraftNumber,
    string? Customer,
    int LineCount,
    decimal? Total = null,
    string? Currency = null,
    string? Url = null);

/// <summary>
/// A field the workflow is unsure about. Header fields are named as in <see cref="CorrectionsPayload.Fields"/>;
/// with <see cref="RowNumber"/> set, <see cref="Field"/> is a <see cref="LineCorrection"/> member
/// (<c>sku</c>, <c>quantity</c>, <c>unitPrice</c>, <c>itemId</c>).
/// </summary>
public sealed record UncertainField(
    string Field,
    string Label,
    string? Value = null,
    int? RowNumber = null,
    IReadOnlyList<string>? Choices = null,
    string? Reason = null);

/// <summary>Outcome names of <see cref="NotifyResult"/>.</summary>
public static class NotifyOutcomes
{
    public const string Sent = "sent";
    public const string Blocked = "blocked";
}

/// <summary>Answer of <c>POST /api/notify/{caseId}</c>; <see cref="ActivityId"/> may be null (Teams omits it).</summary>
public sealed record NotifyResult(string Outcome, string? ActivityId = null, string? ErrorCode = null);
