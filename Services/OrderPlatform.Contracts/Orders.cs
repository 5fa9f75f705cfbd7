namespace OrderPlatform.Contracts;

/// <summary>
/// Where a Teams user can be reached later (teams-bot spec §5). Stored with the case so the Worker can ask the bot
/// to notify the same chat.
/// </summary>
public sealed record ConversationReference(
    string ServiceUrl,
    string ChannelId,
    string ConversationId,
    string TenantId,
    string UserId,
    string? UserAadObjectId,
    string BotId,
    string? Locale = null,
    string? ActivityId = null);

/// <summary>
/// Response of <c>POST /api/orders</c> (multipart: <c>file</c>, <c>tenantId</c>, <c>userId</c>, optional
/// <c>conversation</c> as JSON of <see cref="ConversationReference"/>; headers <c>X-Api-Key</c>, optional
/// <c>Idempotency-Key</c>). Answered with 202 Accepted and <c>Location</c> = <see cref="StatusUrl"/>.
/// </summary>
public sealed record OrderAccepted(string CaseId, CaseStatus Status, string StatusUrl);

/// <summary>Body of <c>POST /api/workflow/start</c>, the original system's shape.</summary>
public sealed record WorkflowStartRequest(string CaseId, string BlobUrl, string TenantId, string UserId, TeamsReference? Teams);

/// <summary>Teams message identifiers carried by the original start request.</summary>
public sealed record TeamsReference(string? ChatId, string? MessageId, string? ActivityId);

/// <summary>The order as understood after parsing and review: the shape the Zoho draft is built from.</summary>
public sealed record CanonicalOrder(
    string? Customer,
    string? PoNumber,
    DateOnly? OrderDate,
    DateOnly? DeliveryDate,
    IReadOnlyList<OrderLine> Lines);

/// <summary>One order line; <see cref="Sku"/> and <see cref="Ean"/> are text so leading zeros survive.</summary>
public sealed record OrderLine(
    int RowNumber,
    string? Sku,
    string? Ean,
    string? Description,
    decimal? Quantity,
    string? Unit,
    decimal? UnitPrice);
