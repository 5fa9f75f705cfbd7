using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Committee;

/// <summary>
/// A person's answer to a column-mapping question (quantity → which column?): a column letter ("G"), a card choice
/// ("G: Menge") or the header text as the sheet shows it ("Menge"). Applied to the voted column map so the lines can be
/// assembled again from the parsed sheet.
/// </summary>
public static class ColumnAnswers
{
    /// <summary>The line fields the committee maps to columns; answers to these change the mapping, not a value.</summary>
    public static bool IsColumnField(string field) => OrderFields.Columns.Contains(field);

    /// <summary>How a column is offered on a card: "G: Menge", or just "G" when the header is empty.</summary>
    public static string Choice(ParsedColumn column) =>
        string.IsNullOrWhiteSpace(column.Header) ? column.Letter : $"{column.Letter}: {column.Header.Trim()}";

    public static IReadOnlyList<string> Choices(ParsedSheet sheet) => [.. sheet.Columns.Select(Choice)];

    /// <summary>
    /// The column <paramref name="answer"/> names, or null when it names none (or two columns share the header text, in
    /// which case only the letter tells them apart). The letter wins over a header that happens to read like one,
    /// because letters are what the card offers.
    /// </summary>
    public static ParsedColumn? Find(ParsedSheet sheet, string answer)
    {
        var parts = answer.Split(':', 2);
        var letter = parts[0].Trim();
        if (sheet.Columns.FirstOrDefault(c => string.Equals(c.Letter, letter, StringComparison.OrdinalIgnoreCase)) is { } byLetter)
        {
            return byLetter;
        }

        return ByHeader(sheet, answer) ?? (parts.Length == 2 ? ByHeader(sheet, parts[1]) : null) ?? Described(sheet, answer);
    }

    /// <summary>
    /// The map with each answered field moved to the column it names; a field that held that column loses it, as a
    /// column holds one field. Answers that name no column are returned in <c>Unresolved</c> and leave the map alone.
    /// </summary>
    public static (Dictionary<string, string> Map, Dictionary<string, string> Unresolved) Apply(ParsedSheet sheet,
        IReadOnlyDictionary<string, string> map, IReadOnlyDictionary<string, string> answers)
    {
        var corrected = new Dictionary<string, string>(map);
        var unresolved = new Dictionary<string, string>();
        foreach (var (field, answer) in answers.Where(a => IsColumnField(a.Key)))
        {
            if (Find(sheet, answer) is not { } column)
            {
                unresolved[field] = answer;
                continue;
            }

            foreach (var other in corrected.Where(kv => kv.Value == column.Letter && kv.Key != field).Select(kv => kv.Key).ToList())
            {
                corrected.Remove(other);
            }

            corrected[field] = column.Letter;
        }

        return (corrected, unresolved);
    }

    /// <summary>field → column index, the shape <see cref="OrderAssembler"/> reads the sheet with.</summary>
    public static Dictionary<string, int> Indexes(ParsedSheet sheet, IReadOnlyDictionary<string, string> map) =>
        map.Select(kv => (kv.Key, Column: sheet.Columns.FirstOrDefault(c => c.Letter == kv.Value)))
            .Where(x => x.Column is not null)
            .ToDictionary(x => x.Key, x => x.Column!.Index);

    /// <summary>field → normalised header, what the history matches a moved column by (R16).</summary>
    public static Dictionary<string, string> Headers(ParsedSheet sheet, IReadOnlyDictionary<string, string> map) =>
        map.Select(kv => (kv.Key, Column: sheet.Columns.FirstOrDefault(c => c.Letter == kv.Value)))
            .Where(x => x.Column is not null)
            .ToDictionary(x => x.Key, x => TextNormalizer.Normalize(x.Column!.Header));

    /// <summary>"C (Anz)": how the committee describes its vote, and so what an answer that lets the vote stand may echo.</summary>
    private static ParsedColumn? Described(ParsedSheet sheet, string answer)
    {
        var open = answer.IndexOf(" (", StringComparison.Ordinal);
        if (open <= 0 || !answer.TrimEnd().EndsWith(')'))
        {
            return null;
        }

        var letter = answer[..open].Trim();
        return sheet.Columns.FirstOrDefault(c => string.Equals(c.Letter, letter, StringComparison.OrdinalIgnoreCase));
    }

    private static ParsedColumn? ByHeader(ParsedSheet sheet, string text)
    {
        var wanted = TextNormalizer.Normalize(text);
        if (wanted.Length == 0)
        {
            return null;
        }

        var hits = sheet.Columns.Where(c => TextNormalizer.Normalize(c.Header) == wanted).Take(2).ToList();
        return hits.Count == 1 ? hits[0] : null;
    }
}
