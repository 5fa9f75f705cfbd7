using OrderPlatform.Contracts;

namespace OrderPlatform.Cases;

/// <summary>
/// The case document: everything known about one order, stored as one JSON document. <see cref="Version"/> is the
/// optimistic-concurrency token; the store refuses a write whose version is not the stored one.
/// </summary>
public sealed record CaseDocument
{
    public required string Id { get; init; }

    public required string TenantId { get; init; }

    public required string UserId { get; init; }

    public CaseStatus Status { get; init; } = CaseStatus.Received;

    public long Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The workflow step that last wrote the case.</summary>
    public string? Step { get; init; }

    public CaseFile? File { get; init; }

    public ConversationReference? Conversation { get; init; }

    public TeamsReference? Teams { get; init; }

    public CanonicalOrder? Order { get; init; }

    public IReadOnlyList<FieldConfidence>? Confidences { get; init; }

    public IReadOnlyList<string>? Disagreements { get; init; }

    public IReadOnlyList<ReviewNote>? Notes { get; init; }

    public CustomerResolution? Customer { get; init; }

    public IReadOnlyList<LineResolution>? Lines { get; init; }

    public IReadOnlyList<UncertainField>? Questions { get; init; }

    public DateTimeOffset? CorrectionsDueAt { get; init; }

    public CorrectionsPayload? Corrections { get; init; }

    public CaseDraft? Draft { get; init; }

    /// <summary>Signals the Api passed on to the case's workflow; capped so no caller can fill its history.</summary>
    public int SignalCount { get; init; }

    /// <summary>A sentence for the user when the case failed or needs a person; never a stack trace.</summary>
    public string? Error { get; init; }

    public string? ErrorCode { get; init; }
}

/// <summary>The stored original: canonical blob name, sniffed format, size and SHA-256 (hex).</summary>
public sealed record CaseFile(string FileName, string BlobName, string Format, long? SizeBytes = null, string? Sha256 = null);

/// <summary>A catalog hit with its score (1 for exact keys, the trigram similarity for fuzzy ones) and how it matched.</summary>
public sealed record CatalogMatch(string Id, string Name, double Score, string MatchedBy);

public sealed record CustomerResolution(string? Query, CatalogMatch? Match, IReadOnlyList<CatalogMatch> Candidates);

public sealed record LineResolution(int RowNumber, string? Query, CatalogMatch? Match, IReadOnlyList<CatalogMatch> Candidates);

/// <summary>The Zoho draft created or reused, or for a dry run the request that would have been sent.</summary>
public sealed record CaseDraft(bool DryRun, bool Reused, string? SalesOrderId, string? SalesOrderNumber, string? Status, string RequestJson);

/// <summary>An audit event; <see cref="Sequence"/> is assigned by the store and grows by one per case.</summary>
public sealed record CaseEvent(
    string CaseId,
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Step,
    string Detail,
    CaseStatus? From,
    CaseStatus? To);

/// <summary>Who did what, before the store gives it a sequence number and a time.</summary>
public sealed record CaseEventDraft(string Actor, string Step, string Detail);

/// <summary>
/// <see cref="Tenants"/>, when set, limits the result to those tenants whatever <see cref="TenantId"/> asks for: the
/// tenants the caller may act for.
/// </summary>
public sealed record CaseQuery(string? TenantId, CaseStatus? Status, int Page = 1, int PageSize = 50, IReadOnlyList<string>? Tenants = null);

public sealed record CaseSummary(string Id, string TenantId, string UserId, CaseStatus Status, string? Step, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CasePage(IReadOnlyList<CaseSummary> Items, int Page, int PageSize, long Total);
