namespace OrderPlatform.Contracts;

/// <summary>Order case statuses from architecture.md; Failed, Cancelled and NeedsAttention are exits.</summary>
public enum CaseStatus
{
    Received,
    Stored,
    Parsed,
    Reviewed,
    Resolved,
    AwaitingCorrections,
    Corrected,
    DraftCreated,
    Notified,
    Completed,
    Failed,
    Cancelled,
    NeedsAttention,
}
