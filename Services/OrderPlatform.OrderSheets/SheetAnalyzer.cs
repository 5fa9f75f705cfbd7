using System.Globalization;
using System.Text.RegularExpressions;

namespace OrderPlatform.OrderSheets;

/// <summary>Finds the line table: sheet choice (R2), islands (R3), header row (R4), two-row headers (R5).</summary>
internal sealed partial class SheetAnalyzer(Synonyms synonyms)
{
    private const int HeaderScanRows = 300;
    private const int HeaderRowsPerIsland = 30;

    /// <summary>Rows under a blank header cell looked at for values (<see cref="HasValuesBelow"/>).</summary>
    private const int BlankHeaderRows = 3;

    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9\-./ ]{2,30}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CodePattern();

    public static string CellText(RawCell? cell) => cell switch
    {
        null => "",
        { Kind: RawKind.Text or RawKind.Boolean or RawKind.Error } c => c.Text?.Trim() ?? "",
        { Kind: RawKind.Number } c => NumberText.FormatStored(c.Number),
        { Kind: RawKind.Date } c => DateText.FromSerial(c.Number)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        _ => "",
    };

    // Cheap conditions first, the pattern last: every cell of every candidate table passes here.
    public static bool IsCodeLike(string text) => text.Length is >= 3 and <= 32 && text.AsSpan().Count(' ') <= 1
        && text.AsSpan().ContainsAnyInRange('0', '9') && CodePattern().IsMatch(text);

    public static bool IsLongText(string text)
    {
        if (text.Length < 12 || !text.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var ch in text)
        {
            if (char.IsLetter(ch))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies each merged range's top-left value into the whole range (R6).</summary>
    public static void Unmerge(RawSheet sheet)
    {
        foreach (var range in sheet.Merges)
        {
            sheet.Limits.ThrowIfCancelled();
            if (sheet.Get(range.FirstRow, range.FirstColumn) is not { } value)
            {
                continue;
            }

            var lastRow = Math.Min(range.LastRow, sheet.Rows.Count - 1);
            var lastColumn = range.LastColumn;
            for (var r = range.FirstRow; r <= lastRow; r++)
            {
                for (var c = range.FirstColumn; c <= lastColumn; c++)
                {
                    sheet.Set(r, c, value);
                }
            }
        }
    }

    public TableCandidate? BestTable(RawSheet sheet)
    {
        foreach (var table in sheet.Tables)
        {
            var headers = Enumerable.Range(table.FirstColumn, table.LastColumn - table.FirstColumn + 1)
                .Select(c => CellText(sheet.Get(table.FirstRow, c))).ToArray();
            var fromTable = new TableCandidate(sheet, table.FirstRow, -1, table.FirstColumn, table.LastColumn,
                table.FirstRow + 1, Math.Min(table.LastRow + 1, sheet.Rows.Count), headers, "table");
            Score(fromTable);
            return fromTable;
        }

        foreach (var named in sheet.NamedRanges)
        {
            var headers = Enumerable.Range(named.FirstColumn, named.LastColumn - named.FirstColumn + 1)
                .Select(c => CellText(sheet.Get(named.FirstRow, c))).ToArray();
            var (valid, score) = Evaluate(headers);
            if (valid)
            {
                var fromName = new TableCandidate(sheet, named.FirstRow, -1, named.FirstColumn, named.LastColumn,
                    named.FirstRow + 1, Math.Min(named.LastRow + 1, sheet.Rows.Count), headers, "named range") { HeaderScore = score };
                Score(fromName);
                return fromName;
            }
        }

        var candidates = new List<TableCandidate>();
        var islandStart = -1;
        var limit = Math.Min(sheet.Rows.Count, HeaderScanRows);
        for (var r = 0; r < limit; r++)
        {
            if (IsEmptyRow(sheet, r, 0, int.MaxValue))
            {
                islandStart = -1;
                continue;
            }

            islandStart = islandStart < 0 ? r : islandStart;
            if (r - islandStart >= HeaderRowsPerIsland || candidates.Any(c => r >= c.HeaderRow && r < c.EndRow))
            {
                continue;
            }

            if (HeaderAt(sheet, r) is { } candidate)
            {
                // A group row ("Article", "Price (EUR)", "Qty") can read as a header by itself; when the row below
                // joins it into a better two-row header, that one is the header and the sub-header is no line.
                if (r + 1 < sheet.Rows.Count && HasHorizontalMerge(sheet, r) && !HasNumbers(sheet, r + 1)
                    && HeaderAt(sheet, r + 1) is { GroupRow: var group } below && group == r)
                {
                    candidate = below;
                }

                Score(candidate);
                candidates.Add(candidate);
            }
        }

        return candidates.OrderByDescending(c => c.Qualifying).ThenByDescending(c => c.HeaderScore).FirstOrDefault()
            ?? Headerless(sheet);
    }

    private TableCandidate? HeaderAt(RawSheet sheet, int row)
    {
        // As wide as the rows under it too: a column of values may stand under a blank header cell at the edge.
        var width = Enumerable.Range(row, Math.Min(BlankHeaderRows + 1, sheet.Rows.Count - row)).Max(r => sheet.Rows[r]?.Length ?? 0);
        var single = Enumerable.Range(0, width).Select(c => CellText(sheet.Get(row, c))).ToArray();
        var (singleValid, singleScore) = Evaluate(single);
        string[]? combined = null;
        var combinedValid = false;
        var combinedScore = 0.0;
        if (row > 0 && IsGroupRow(sheet, row - 1, width))
        {
            combined = Enumerable.Range(0, width).Select(c =>
            {
                var group = CellText(sheet.Get(row - 1, c));
                return group.Length > 0 && single[c].Length > 0 ? $"{group} / {single[c]}" : group.Length > 0 ? group : single[c];
            }).ToArray();
            (combinedValid, combinedScore) = Evaluate(combined);
        }

        var useCombined = combined is not null && combinedValid && combinedScore >= singleScore
            && (!singleValid || HasHorizontalMerge(sheet, row - 1));
        if (!useCombined && !singleValid)
        {
            return null;
        }

        var headers = useCombined ? combined! : single;
        var matched = Enumerable.Range(0, headers.Length).Where(c => synonyms.MatchColumn(headers[c]).Field is not null).ToList();
        var first = matched.Min();
        var last = matched.Max();
        while (first > 0 && (headers[first - 1].Length > 0 || HasValuesBelow(sheet, row, first - 1)))
        {
            first--;
        }

        while (last + 1 < headers.Length && (headers[last + 1].Length > 0 || HasValuesBelow(sheet, row, last + 1)))
        {
            last++;
        }

        var quantity = matched.First(c => synonyms.MatchColumn(headers[c]).Field == OrderFields.Quantity);
        var items = matched.Where(c => synonyms.MatchColumn(headers[c]).Field is OrderFields.Code or OrderFields.Ean or OrderFields.Description).ToList();
        var end = TableExtent.End(sheet, row + 1, first, last, quantity, items,
            r => Evaluate(Enumerable.Range(0, sheet.Rows[r]?.Length ?? 0).Select(c => CellText(sheet.Get(r, c))).ToArray()).Valid
                && !IsRepeatOf(sheet, r, row));

        var candidate = new TableCandidate(sheet, row, useCombined ? row - 1 : -1, first, last, row + 1, end,
            headers[first..(last + 1)], useCombined ? "two-row header synonyms" : "header synonyms")
        {
            HeaderScore = useCombined ? combinedScore : singleScore,
        };
        return candidate;
    }

    /// <summary>R4: at least two synonym hits, among them a quantity and a code or description.</summary>
    private (bool Valid, double Score) Evaluate(string[] headers)
    {
        var fields = new Dictionary<string, double>();
        foreach (var header in headers)
        {
            var (field, score) = synonyms.MatchColumn(header);
            if (field is not null)
            {
                fields[field] = Math.Max(score, fields.GetValueOrDefault(field));
            }
        }

        var valid = fields.Count >= 2 && fields.ContainsKey(OrderFields.Quantity)
            && (fields.ContainsKey(OrderFields.Code) || fields.ContainsKey(OrderFields.Description));
        return (valid, fields.Values.Sum());
    }

    private static bool IsGroupRow(RawSheet sheet, int row, int width)
    {
        var texts = Enumerable.Range(0, Math.Max(width, sheet.Rows[row]?.Length ?? 0))
            .Select(c => sheet.Get(row, c)).Where(c => c is not null).ToList();
        return texts.Count > 0 && texts.All(c => c!.Value.Kind == RawKind.Text && !(c.Value.Text ?? "").Contains(':'));
    }

    /// <summary>Values in the first rows under a header cell, which then belongs to the table even when blank.</summary>
    private static bool HasValuesBelow(RawSheet sheet, int header, int column)
    {
        for (var r = header + 1; r <= Math.Min(header + BlankHeaderRows, sheet.Rows.Count - 1); r++)
        {
            if (sheet.Get(r, column) is { } cell && (cell.Kind != RawKind.Text || !string.IsNullOrWhiteSpace(cell.Text)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasNumbers(RawSheet sheet, int row) => sheet.Rows[row] is { } cells && cells.Any(c => c is { Kind: RawKind.Number });

    /// <summary>A page-break repeat of the header row is not a new table.</summary>
    private static bool IsRepeatOf(RawSheet sheet, int row, int header) =>
        Enumerable.Range(0, Math.Max(sheet.Rows[row]?.Length ?? 0, sheet.Rows[header]?.Length ?? 0))
            .All(c => string.Equals(CellText(sheet.Get(row, c)), CellText(sheet.Get(header, c)), StringComparison.OrdinalIgnoreCase));

    private static bool HasHorizontalMerge(RawSheet sheet, int row) =>
        sheet.Merges.Any(m => m.FirstRow <= row && m.LastRow >= row && m.LastColumn > m.FirstColumn);

    internal static bool IsEmptyRow(RawSheet sheet, int row, int first, int last)
    {
        if (sheet.Rows[row] is not { } cells)
        {
            return true;
        }

        for (var c = first; c <= Math.Min(last, cells.Length - 1); c++)
        {
            if (cells[c] is { } cell && (cell.Kind != RawKind.Text || !string.IsNullOrWhiteSpace(cell.Text)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Counts rows with a quantity next to a code or long text. The quantity is the synonym column when there is one,
    /// otherwise any column whose numbers are mostly positive whole numbers, so price lists without quantities lose.
    /// </summary>
    private void Score(TableCandidate table)
    {
        var sheet = table.Sheet;
        var quantityColumns = Enumerable.Range(table.FirstColumn, table.LastColumn - table.FirstColumn + 1)
            .Where(c => synonyms.MatchColumn(table.Headers[c - table.FirstColumn]).Field == OrderFields.Quantity).Take(1).ToHashSet();
        if (quantityColumns.Count == 0)
        {
            quantityColumns = Enumerable.Range(table.FirstColumn, table.LastColumn - table.FirstColumn + 1)
                .Where(c => IsMostlyWholeNumbers(sheet, c, table.FirstDataRow, table.EndRow)).ToHashSet();
        }

        int[] quantities = [.. quantityColumns];
        var qualifying = 0;
        for (var r = table.FirstDataRow; r < table.EndRow; r++)
        {
            sheet.Limits.ThrowIfCancelled();
            qualifying += HasQuantity(sheet, r, quantities) && HasItem(sheet, r, table, quantityColumns) ? 1 : 0;
        }

        table.Qualifying = qualifying;
    }

    // Loops rather than LINQ: these run for every row of every candidate table.
    private static bool HasQuantity(RawSheet sheet, int row, int[] columns)
    {
        foreach (var c in columns)
        {
            if (PositiveNumber(sheet.Get(row, c)) is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasItem(RawSheet sheet, int row, TableCandidate table, HashSet<int> quantityColumns)
    {
        for (var c = table.FirstColumn; c <= table.LastColumn; c++)
        {
            if (!quantityColumns.Contains(c) && sheet.Get(row, c) is { } cell && CellText(cell) is { Length: > 0 } text
                && (IsCodeLike(text) || IsLongText(text)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsMostlyWholeNumbers(RawSheet sheet, int column, int from, int to)
    {
        var numbers = Enumerable.Range(from, to - from).Select(r => PositiveNumber(sheet.Get(r, column))).Where(n => n is not null).ToList();
        return numbers.Count >= Math.Max(1, (to - from) / 2) && numbers.Count(n => n == Math.Floor(n!.Value) && n < 100_000) >= numbers.Count * 0.8;
    }

    internal static double? PositiveNumber(RawCell? cell)
    {
        if (cell is { Kind: RawKind.Number, Number: > 0 } number)
        {
            return number.Number;
        }

        if (cell is { Kind: RawKind.Text, Text: { } text } && NumberText.Core(text) is { } core
            && NumberText.Parse(core, NumberText.Evidence(core) == SeparatorEvidence.Comma ? ',' : '.') is > 0 and var value)
        {
            return (double)value;
        }

        return null;
    }
}
