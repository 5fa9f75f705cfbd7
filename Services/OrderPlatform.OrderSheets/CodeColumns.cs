namespace OrderPlatform.OrderSheets;

/// <summary>A cell as the code test sees it: its text, its number if it is one, and whether it is a date.</summary>
internal readonly record struct CodeProbe(string Text, decimal? Number, bool IsDate);

/// <summary>
/// How much a column's values look like article numbers (spec R9, issue 14), for headers no dictionary knows ("Ref.",
/// "Kenmerk", "Model", none at all): short tokens of letters and digits with a digit in them, or whole numbers of four
/// or more digits, and mostly unique. Never dates, EANs, words ("Bolt M6"), small or round numbers (quantities,
/// positions) or fractions (prices). The parser and the committee's content member use the same measure.
/// </summary>
internal static class CodeColumns
{
    /// <summary>Below this the parser names no column a code by its values; the committee may still weigh it.</summary>
    public const double ParserThreshold = 0.6;

    /// <summary>Rows looked at per column; a sample settles it.</summary>
    public const int SampleRows = 200;

    /// <summary>Article numbers typed as numbers are plausible, but less certain than codes with letters in them.</summary>
    private const double NumericWeight = 0.8;

    public static double Score(IReadOnlyCollection<CodeProbe> cells)
    {
        if (cells.Count < 2)
        {
            return 0;
        }

        int codes = 0, numbers = 0, dates = 0, eans = 0, round = 0;
        var distinct = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var cell in cells)
        {
            distinct.Add(cell.Text);
            // Text dates too: "15.03.2026" and "2026-03-15" fit the code pattern.
            if (cell.IsDate || DateText.Parse(cell.Text, "dmy", out _) is not null)
            {
                dates++;
                continue;
            }

            eans += cell.Text.Length >= 8 && Gs1.Normalize(cell.Text) is not null ? 1 : 0;
            if (cell.Number is { } number)
            {
                numbers++;
                var code = IsNumericCode(cell.Text, number);
                codes += code ? 1 : 0;
                round += code && number % 100 == 0 ? 1 : 0;
            }
            else if (SheetAnalyzer.IsCodeLike(cell.Text) && !HasWord(cell.Text))
            {
                codes++;
            }
        }

        var count = (double)cells.Count;
        if (dates >= count / 2 || eans >= count * 0.8 || codes == 0)
        {
            return 0;
        }

        var score = codes / count * (distinct.Count / count);
        if (numbers <= count * 0.9)
        {
            return score;
        }

        // Whole numbers: quantities repeat and are round (100, 500, 1000); article numbers are neither.
        return round >= codes / 2.0 ? 0 : NumericWeight * score;
    }

    /// <summary>The best column by <see cref="Score"/> among <paramref name="candidates"/>, or -1 when none reaches the threshold.</summary>
    public static int Best(IEnumerable<(int Column, IReadOnlyCollection<CodeProbe> Cells)> candidates, double threshold)
    {
        var best = -1;
        var bestScore = threshold;
        foreach (var (column, cells) in candidates)
        {
            var score = Score(cells);
            if (score >= bestScore && (best < 0 || score > bestScore))
            {
                (best, bestScore) = (column, score);
            }
        }

        return best;
    }

    /// <summary>A stored cell for <see cref="Score"/>; a text number counts as the number it reads as.</summary>
    public static CodeProbe Probe(RawCell? cell)
    {
        var text = SheetAnalyzer.CellText(cell);
        return cell switch
        {
            { Kind: RawKind.Date } => new CodeProbe(text, null, true),
            { Kind: RawKind.Number } n => new CodeProbe(text, NumberText.ToDecimal(n.Number), false),
            { Kind: RawKind.Text } when text.Length > 0 => new CodeProbe(text,
                SheetAnalyzer.PositiveNumber(cell) is { } number ? NumberText.ToDecimal(number) : null, false),
            _ => new CodeProbe(text, null, false),
        };
    }

    /// <summary>A parsed cell for <see cref="Score"/>.</summary>
    public static CodeProbe Probe(ParsedCell cell) =>
        new(cell.Text.Trim(), cell.Kind == CellKind.Date ? null : cell.Number, cell.Kind == CellKind.Date || cell.Date is not null);

    /// <summary>A whole number of four to fifteen digits written as bare digits ("100234", not "1.000" or "12,5").</summary>
    private static bool IsNumericCode(string text, decimal number) =>
        number >= 1000 && number == decimal.Truncate(number) && text.Length <= 15 && text.All(char.IsAsciiDigit);

    /// <summary>A word of three or more letters with lower case in it: descriptions ("Bolt M6", "Depot 1"), not codes ("AB 100").</summary>
    private static bool HasWord(string text)
    {
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.Length >= 3 && token.All(char.IsLetter) && token.Any(char.IsLower))
            {
                return true;
            }
        }

        return false;
    }
}
