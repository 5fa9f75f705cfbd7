using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Committee;

/// <summary>What every member sees: the parsed sheet and, when known, the customer (and tenant) it came from.</summary>
public sealed record CommitteeInput(ParsedSheet Sheet, string? CustomerKey = null, string TenantId = "")
{
    /// <summary>The customer the history is keyed by: the one the case names, else the one the sheet's metadata names.</summary>
    public string? EffectiveCustomerKey => CustomerKey
        ?? Sheet.Metadata.FirstOrDefault(m => m.Key == OrderFields.Customer)?.Value;
}

/// <summary>A member's claim that a field lives in a column (0-based sheet column index).</summary>
public sealed record ColumnProposal(int Column, double Confidence);

/// <summary>A member's claim about a header field's value.</summary>
public sealed record ValueProposal(string Value, double Confidence);

/// <summary>
/// A member's proposals. <see cref="Settles"/> marks column proposals that are not an opinion but a person's earlier
/// confirmation for this very header layout (R16: a matching profile skips detection), so they decide their fields.
/// </summary>
public sealed record MemberProposal(
    string Member,
    IReadOnlyDictionary<string, ColumnProposal> Columns,
    IReadOnlyDictionary<string, ValueProposal> Header,
    bool Settles = false);

/// <summary>
/// One independent opinion on the mapping. Members never see each other's answers; a member with nothing to say
/// returns null and so does not dilute the others' confidence.
/// </summary>
public interface ICommitteeMember
{
    string Name { get; }

    double Weight { get; }

    Task<MemberProposal?> ProposeAsync(CommitteeInput input, CancellationToken cancellationToken);
}
