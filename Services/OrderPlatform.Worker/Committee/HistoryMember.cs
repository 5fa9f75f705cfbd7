using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Committee;

/// <summary>
/// Reuses what a human confirmed for the same customer: the whole mapping when the header fingerprint is unchanged,
/// field by field through the header texts when columns moved.
/// </summary>
public sealed class HistoryMember(IMappingHistory history) : ICommitteeMember
{
    public string Name => "history";

    public double Weight => 1.5;

    public async Task<MemberProposal?> ProposeAsync(CommitteeInput input, CancellationToken cancellationToken)
    {
        if (input.EffectiveCustomerKey is not { Length: > 0 } customer
            || await history.FindAsync(input.TenantId, customer, cancellationToken).ConfigureAwait(false) is not { } profile)
        {
            return null;
        }

        var sheet = input.Sheet;
        var columns = new Dictionary<string, ColumnProposal>();
        if (profile.HeaderFingerprint == sheet.HeaderFingerprint)
        {
            foreach (var (field, letter) in profile.ColumnLetters)
            {
                if (sheet.Columns.FirstOrDefault(c => c.Letter == letter) is { } column)
                {
                    columns[field] = new ColumnProposal(column.Index, 1.0);
                }
            }
        }
        else
        {
            foreach (var (field, header) in profile.ColumnHeaders)
            {
                if (header.Length > 0 && sheet.Columns.FirstOrDefault(c => TextNormalizer.Normalize(c.Header) == header) is { } column)
                {
                    columns[field] = new ColumnProposal(column.Index, 0.75);
                }
            }
        }

        // Only an unchanged header layout settles the fields: after columns moved, the header texts are a good hint, no more.
        return columns.Count == 0 ? null : new MemberProposal(Name, columns, new Dictionary<string, ValueProposal>(),
            Settles: profile.HeaderFingerprint == sheet.HeaderFingerprint);
    }

    /// <summary>The profile to save once a human confirmed <paramref name="columnMap"/> (field → letter) for this sheet.</summary>
    public static MappingProfile Confirmed(string customerKey, ParsedSheet sheet, IReadOnlyDictionary<string, string> columnMap,
        string? dateOrder, DateTimeOffset confirmedAt, string tenantId = "")
    {
        var headers = columnMap.ToDictionary(kv => kv.Key,
            kv => TextNormalizer.Normalize(sheet.Columns.FirstOrDefault(c => c.Letter == kv.Value)?.Header));
        var separator = sheet.Columns.FirstOrDefault(c => c.DecimalSeparator is not null)?.DecimalSeparator;
        return new MappingProfile(customerKey, sheet.SheetName, sheet.HeaderRowNumber, sheet.HeaderFingerprint, columnMap, headers,
            separator, dateOrder, confirmedAt, tenantId);
    }
}
