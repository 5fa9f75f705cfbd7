using Microsoft.Extensions.Options;
using OrderPlatform.Contracts;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Committee;

/// <summary>
/// run-committee: asks every member independently, then a weighted vote per field. A field's confidence is the
/// winner's weighted support divided by the weight of all members that voted on it, so dissent lowers it and
/// abstention does not.
/// </summary>
public sealed class OrderCommittee(IEnumerable<ICommitteeMember> members, IOptions<CommitteeOptions> options, ILogger<OrderCommittee> logger)
{
    private readonly CommitteeOptions _options = options.Value;

    public async Task<ReviewedOrder> RunAsync(CommitteeInput input, CancellationToken cancellationToken)
    {
        var voters = members.ToList();
        var proposals = (await Task.WhenAll(voters.Select(m => AskAsync(m, input, cancellationToken))).ConfigureAwait(false))
            .Zip(voters, (p, m) => (Proposal: p, Member: m))
            .Where(x => x.Proposal is not null)
            .Select(x => (Proposal: x.Proposal!, x.Member.Weight))
            .ToList();

        var sheet = input.Sheet;
        var disagreements = new List<string>();
        var fields = new List<FieldConfidence>();
        var columnMap = VoteColumns(sheet, proposals, fields, disagreements);
        var header = new Dictionary<string, string>();
        foreach (var field in OrderFields.Header)
        {
            var votes = proposals.Where(p => p.Proposal.Header.ContainsKey(field))
                .Select(p => (Key: TextNormalizer.Normalize(p.Proposal.Header[field].Value), p.Proposal.Header[field].Value,
                    p.Proposal.Member, p.Weight, p.Proposal.Header[field].Confidence))
                .ToList();
            if (votes.Count == 0)
            {
                continue;
            }

            var total = votes.Sum(v => v.Weight);
            var winner = votes.GroupBy(v => v.Key).OrderByDescending(g => g.Sum(v => v.Weight * v.Confidence)).First();
            fields.Add(new FieldConfidence(field, winner.First().Value, Math.Round(winner.Sum(v => v.Weight * v.Confidence) / total, 3),
                [.. winner.Select(v => v.Member)]));
            header[field] = winner.First().Value;
            if (votes.Select(v => v.Key).Distinct().Count() > 1)
            {
                disagreements.Add($"{field}: " + string.Join(", ", votes.Select(v => $"{v.Member} says \"{v.Value}\"")));
            }
        }

        var notes = new List<ReviewNote>();
        notes.AddRange(sheet.Questions.Select(q => new ReviewNote(null, q.Text)));
        notes.AddRange(sheet.Warnings.Select(w => new ReviewNote(null, w)));
        var order = new OrderAssembler(_options).Assemble(sheet, columnMap, header, notes);
        var lineFieldsSure = fields.Where(f => f.Field is OrderFields.Quantity).All(f => f.Confidence >= _options.ConfidenceThreshold)
            && fields.Any(f => f.Field == OrderFields.Quantity)
            && fields.Any(f => f.Field is OrderFields.Code or OrderFields.Ean or OrderFields.Description && f.Confidence >= _options.ConfidenceThreshold);
        var needsReview = !lineFieldsSure || sheet.Questions.Count > 0 || notes.Any(n => n.RowNumber is not null)
            || fields.Any(f => f.Confidence < _options.ConfidenceThreshold) || order.Lines.Count == 0;
        var letters = columnMap.ToDictionary(kv => kv.Key, kv => CellReferences.ColumnLetter(kv.Value));
        return new ReviewedOrder(order, fields, disagreements, notes, letters, needsReview);
    }

    private static Dictionary<string, int> VoteColumns(ParsedSheet sheet, List<(MemberProposal Proposal, double Weight)> proposals,
        List<FieldConfidence> fields, List<string> disagreements)
    {
        var tallies = new List<(string Field, int Column, double Confidence, string[] Supporters)>();
        foreach (var field in OrderFields.Columns)
        {
            var votes = proposals.Where(p => p.Proposal.Columns.ContainsKey(field))
                .Select(p => (p.Proposal.Member, p.Weight, Vote: p.Proposal.Columns[field], p.Proposal.Settles)).ToList();
            if (votes.Count == 0)
            {
                continue;
            }

            // A confirmed profile for this header layout decides the field (R16); the others' dissent is still listed
            // below, but must not send a person the question they already answered for this customer.
            var counted = votes.Any(v => v.Settles) ? votes.Where(v => v.Settles).ToList() : votes;
            var total = counted.Sum(v => v.Weight);
            tallies.AddRange(counted.GroupBy(v => v.Vote.Column).Select(g => (field, g.Key,
                g.Sum(v => v.Weight * v.Vote.Confidence) / total, g.Select(v => v.Member).ToArray())));
            if (votes.Select(v => v.Vote.Column).Distinct().Count() > 1)
            {
                disagreements.Add($"{field}: " + string.Join(", ", votes.Select(v => $"{v.Member} says {Describe(sheet, v.Vote.Column)}")));
            }
        }

        // Greedy by confidence: a column holds one field, a field one column.
        var map = new Dictionary<string, int>();
        foreach (var tally in tallies.OrderByDescending(t => t.Confidence))
        {
            if (map.ContainsKey(tally.Field) || map.ContainsValue(tally.Column))
            {
                continue;
            }

            map[tally.Field] = tally.Column;
            fields.Add(new FieldConfidence(tally.Field, Describe(sheet, tally.Column), Math.Round(tally.Confidence, 3), tally.Supporters));
        }

        return map;
    }

    /// <summary>How a field's column is shown on the case: <c>D (Menge)</c>, or the letter alone for a column without header.</summary>
    internal static string Describe(ParsedSheet sheet, int column)
    {
        var header = sheet.Columns.FirstOrDefault(c => c.Index == column)?.Header;
        var letter = CellReferences.ColumnLetter(column);
        return string.IsNullOrEmpty(header) ? letter : $"{letter} ({header})";
    }

    private async Task<MemberProposal?> AskAsync(ICommitteeMember member, CommitteeInput input, CancellationToken cancellationToken)
    {
        try
        {
            return await member.ProposeAsync(input, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One broken member must not sink the case; the others still vote.
            logger.LogWarning(ex, "Committee member {Member} failed and abstains", member.Name);
            return null;
        }
    }
}
