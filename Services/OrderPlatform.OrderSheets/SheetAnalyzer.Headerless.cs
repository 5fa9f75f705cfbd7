namespace OrderPlatform.OrderSheets;

/// <summary>Tables without a recognised header row (R4's fallback).</summary>
internal sealed partial class SheetAnalyzer
{
    /// <summary>No header anywhere: take the largest island and let the committee map it by content.</summary>
    private TableCandidate? Headerless(RawSheet sheet)
    {
        (int Start, int End, int Filled) best = (-1, -1, 0);
        var start = -1;
        var filled = 0;
        for (var r = 0; r <= sheet.Rows.Count; r++)
        {
            if (r == sheet.Rows.Count || IsEmptyRow(sheet, r, 0, int.MaxValue))
            {
                if (start >= 0 && filled > best.Filled)
                {
                    best = (start, r, filled);
                }

                start = -1;
                filled = 0;
                continue;
            }

            start = start < 0 ? r : start;
            filled += sheet.Rows[r]!.Count(c => c is not null) >= 2 ? 1 : 0;
        }

        if (best.Start < 0)
        {
            return null;
        }

        var columns = Enumerable.Range(best.Start, best.End - best.Start)
            .SelectMany(r => sheet.Rows[r]!.Select((c, i) => (c, i)).Where(x => x.c is not null).Select(x => x.i)).ToList();
        var first = columns.Min();
        var last = columns.Max();
        var candidate = IsUnknownHeader(sheet, best.Start, best.End, first, last)
            ? new TableCandidate(sheet, best.Start, -1, first, last, best.Start + 1, best.End,
                Enumerable.Range(first, last - first + 1).Select(c => CellText(sheet.Get(best.Start, c))).ToArray(),
                "text row above numbers (no known synonyms)")
            : new TableCandidate(sheet, -1, -1, first, last, best.Start, best.End,
                Enumerable.Range(first, last - first + 1).Select(_ => "").ToArray(), "content only (no header row)");
        Score(candidate);
        return candidate;
    }

    /// <summary>R4's fallback: an all-text first row over a row with numbers in its columns is a header in unknown words.</summary>
    private static bool IsUnknownHeader(RawSheet sheet, int start, int end, int first, int last)
    {
        if (end - start < 2)
        {
            return false;
        }

        var cells = Enumerable.Range(first, last - first + 1).Select(c => sheet.Get(start, c)).Where(c => c is not null).ToList();
        var next = Enumerable.Range(first, last - first + 1).Select(c => sheet.Get(start + 1, c)).ToList();
        return cells.Count >= 2 && cells.All(c => c!.Value.Kind == RawKind.Text && NumberText.Core(c.Value.Text ?? "") is null)
            && next.Any(c => c is { Kind: RawKind.Number });
    }
}
