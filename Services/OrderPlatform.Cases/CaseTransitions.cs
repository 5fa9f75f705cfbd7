using OrderPlatform.Contracts;

namespace OrderPlatform.Cases;

/// <summary>
/// The status graph of architecture.md: forward along the main line (steps may be skipped, e.g. a confident case goes
/// from Resolved straight to DraftCreated), AwaitingCorrections ⇄ Corrected, and the exits Failed, Cancelled and
/// NeedsAttention from any open status. Completed, Failed and Cancelled are final; a case that needs attention can
/// still be cancelled or failed by a person.
/// </summary>
public static class CaseTransitions
{
    private static readonly CaseStatus[] MainLine =
    [
        CaseStatus.Received, CaseStatus.Stored, CaseStatus.Parsed, CaseStatus.Reviewed, CaseStatus.Resolved,
        CaseStatus.AwaitingCorrections, CaseStatus.Corrected, CaseStatus.DraftCreated, CaseStatus.Notified, CaseStatus.Completed,
    ];

    public static bool IsFinal(CaseStatus status) => status is CaseStatus.Completed or CaseStatus.Failed or CaseStatus.Cancelled;

    /// <summary>True when the workflow no longer runs for a case in this status.</summary>
    public static bool IsClosed(CaseStatus status) => IsFinal(status) || status == CaseStatus.NeedsAttention;

    public static bool IsAllowed(CaseStatus from, CaseStatus to)
    {
        if (from == to)
        {
            // Activity retries rewrite the status they already set.
            return true;
        }

        if (IsFinal(from))
        {
            return false;
        }

        if (from == CaseStatus.NeedsAttention)
        {
            return to is CaseStatus.Cancelled or CaseStatus.Failed;
        }

        if (to is CaseStatus.Failed or CaseStatus.Cancelled or CaseStatus.NeedsAttention)
        {
            return true;
        }

        if (from == CaseStatus.Corrected && to == CaseStatus.AwaitingCorrections)
        {
            return true;
        }

        return Array.IndexOf(MainLine, to) > Array.IndexOf(MainLine, from);
    }

    public static void EnsureAllowed(string caseId, CaseStatus from, CaseStatus to)
    {
        if (!IsAllowed(from, to))
        {
            throw new InvalidCaseTransitionException(caseId, from, to);
        }
    }
}
