namespace OrderPlatform.Worker.Committee;

/// <summary>Reads the header texts through the multilingual synonym dictionary (spec R4/R7).</summary>
public sealed class HeaderSynonymMember : ICommitteeMember
{
    public string Name => "header-synonyms";

    public double Weight => 1.0;

    public Task<MemberProposal?> ProposeAsync(CommitteeInput input, CancellationToken cancellationToken)
    {
        var columns = input.Sheet.Columns
            .Where(c => c.SynonymField is not null)
            .ToDictionary(c => c.SynonymField!, c => new ColumnProposal(c.Index, 0.95 * c.SynonymScore));
        var header = input.Sheet.Metadata.ToDictionary(m => m.Key, m => new ValueProposal(m.Value, 0.9));
        return Task.FromResult<MemberProposal?>(columns.Count + header.Count == 0 ? null : new MemberProposal(Name, columns, header));
    }
}
