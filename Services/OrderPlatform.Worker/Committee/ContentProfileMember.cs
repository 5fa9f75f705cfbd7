using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Committee;

/// <summary>
/// Ignores the headers and looks at the values: EANs with a valid GS1 check digit, article numbers (<see cref="CodeColumns"/>), long
/// multi-word text, whole positive numbers (quantities), fractional amounts (prices), unit words and dates.
/// </summary>
public sealed class ContentProfileMember : ICommitteeMember
{
    private const int SampleRows = 200;

    private static readonly HashSet<string> UnitWords =
        ["stk", "st", "stuck", "pcs", "pc", "ea", "each", "pce", "kg", "g", "m", "l", "box", "karton", "krt", "pal",
         "pak", "pack", "set", "paar", "pair", "rolle", "roll", "unite", "u", "me", "vpe", "bund", "sack", "t", "lfm"];

    public string Name => "content-profile";

    public double Weight => 0.8;

    public Task<MemberProposal?> ProposeAsync(CommitteeInput input, CancellationToken cancellationToken)
    {
        var sheet = input.Sheet;
        var scores = new List<(string Field, int Column, double Score)>();
        for (var i = 0; i < sheet.Columns.Count; i++)
        {
            var profile = Profile(sheet.Rows.Take(SampleRows).Select(r => r.Cells[i]).Where(c => !c.IsEmpty).ToList());
            if (profile is null)
            {
                continue;
            }

            var column = sheet.Columns[i].Index;
            scores.Add((OrderFields.Ean, column, profile.Ean >= 0.8 ? 0.95 * profile.Ean : 0));
            scores.Add((OrderFields.Code, column, 0.9 * profile.Code));
            scores.Add((OrderFields.Description, column, 0.9 * profile.LongText));
            scores.Add((OrderFields.Unit, column, profile.Unit >= 0.6 ? 0.85 * profile.Unit : 0));
            // A running 1, 2, 3 … is a position column ("Pos."), never a quantity; a line total is neither.
            // Unique, unround whole numbers of four or more digits are article numbers, not amounts.
            if (sheet.Columns[i].SynonymField != OrderFields.LineTotal && profile.Numeric >= 0.8 && profile.Ean < 0.8 && profile.Positive >= 0.95
                && !profile.Sequence && profile.Code < CodeColumns.ParserThreshold)
            {
                scores.Add((OrderFields.Quantity, column, 0.85 * profile.Numeric * profile.Whole * (profile.Small ? 1 : 0.3)));
                scores.Add((OrderFields.Price, column, 0.8 * profile.Numeric * (profile.Whole < 0.7 ? 1 : 0.4)));
            }
        }

        var columns = new Dictionary<string, ColumnProposal>();
        var used = new HashSet<int>();
        foreach (var (field, column, score) in scores.Where(s => s.Score >= 0.3).OrderByDescending(s => s.Score))
        {
            if (columns.ContainsKey(field) || used.Contains(column))
            {
                continue;
            }

            // Two columns that both look like the field: say so through a lower confidence instead of guessing.
            var rival = scores.Where(s => s.Field == field && s.Column != column && !used.Contains(s.Column)).Select(s => s.Score).DefaultIfEmpty(0).Max();
            var confidence = rival >= score * 0.85 ? score * 0.55 : score;
            columns[field] = new ColumnProposal(column, Math.Round(confidence, 3));
            used.Add(column);
        }

        return Task.FromResult<MemberProposal?>(columns.Count == 0 ? null : new MemberProposal(Name, columns, new Dictionary<string, ValueProposal>()));
    }

    private sealed record ColumnProfile(double Ean, double Code, double LongText, double Unit, double Numeric,
        double Whole, double Positive, bool Small, bool Sequence);

    private static ColumnProfile? Profile(List<ParsedCell> cells)
    {
        if (cells.Count == 0)
        {
            return null;
        }

        double Share(Func<ParsedCell, bool> predicate) => (double)cells.Count(predicate) / cells.Count;
        var numbers = cells.Where(c => c.Number is not null && c.Date is null && c.Kind != CellKind.Date).Select(c => c.Number!.Value).ToList();
        return new ColumnProfile(
            Ean: Share(c => c.Text.Length >= 8 && Gs1.Normalize(c.Text) is not null),
            Code: CodeColumns.Score([.. cells.Select(CodeColumns.Probe)]),
            LongText: Share(c => SheetAnalyzer.IsLongText(c.Text)),
            Unit: Share(c => UnitWords.Contains(TextNormalizer.Normalize(c.Text))),
            Numeric: (double)numbers.Count / cells.Count,
            Whole: numbers.Count == 0 ? 0 : (double)numbers.Count(n => n == decimal.Truncate(n)) / numbers.Count,
            Positive: numbers.Count == 0 ? 0 : (double)numbers.Count(n => n > 0) / numbers.Count,
            Small: numbers.Count > 0 && numbers.Max() < 100_000,
            Sequence: numbers.Count >= 3 && numbers.Count == cells.Count && numbers[0] == 1 && numbers.Zip(numbers.Skip(1)).All(p => p.Second == p.First + 1));
    }
}
