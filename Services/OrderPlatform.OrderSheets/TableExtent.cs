namespace OrderPlatform.OrderSheets;

/// <summary>
/// Where a line table ends (R8, extended for sectioned sheets): blocks of rows separated by empty rows belong to the
/// table as long as a later block still holds lines, so section headings, empty rows and subtotals between sections
/// do not cut it short; it ends at the table's own total row, after the last block with lines, before a long gap, or
/// at another table's header.
/// </summary>
internal static class TableExtent
{
    /// <summary>More empty rows than this in a row separate two tables rather than two sections.</summary>
    private const int MaxGap = 4;

    /// <summary>
    /// The exclusive end row of the table whose data starts at <paramref name="firstDataRow"/> in columns
    /// <paramref name="first"/> to <paramref name="last"/> of <paramref name="sheet"/>. <paramref name="isHeader"/> says
    /// whether a row is a header of its own (a new table starts there); lines are rows with a quantity in
    /// <paramref name="quantityColumn"/> and an item in one of <paramref name="itemColumns"/>.
    /// </summary>
    public static int End(RawSheet sheet, int firstDataRow, int first, int last, int quantityColumn, IReadOnlyList<int> itemColumns,
        Func<int, bool> isHeader)
    {
        var end = firstDataRow;
        var r = firstDataRow;
        while (r < sheet.Rows.Count)
        {
            var hasLine = false;
            var blockStart = r;
            while (r < sheet.Rows.Count && !SheetAnalyzer.IsEmptyRow(sheet, r, first, last))
            {
                if (r == blockStart && blockStart != firstDataRow && isHeader(r))
                {
                    return end;
                }

                hasLine |= IsLine(sheet, r, quantityColumn, itemColumns);
                if (IsGrandTotal(sheet, r, first, last))
                {
                    // The total row itself stays inside, so R8 lists it among the skipped rows.
                    return r + 1;
                }

                r++;
            }

            // The block right under the header is the table's even without lines (a list of codes still waiting for
            // quantities); later blocks only count when they hold lines.
            if (hasLine || blockStart == firstDataRow)
            {
                end = r;
            }

            var gapStart = r;
            while (r < sheet.Rows.Count && SheetAnalyzer.IsEmptyRow(sheet, r, first, last))
            {
                r++;
            }

            if (r - gapStart > MaxGap)
            {
                break;
            }
        }

        return end;
    }

    /// <summary>A grand-total label on a row that carries a sum; a repeated header with a "Total" column has none.</summary>
    private static bool IsGrandTotal(RawSheet sheet, int row, int first, int last)
    {
        var label = -1;
        for (var c = first; c <= last && label < 0; c++)
        {
            label = sheet.Get(row, c) is { Kind: RawKind.Text, Text: { } text } && Synonyms.IsGrandTotalLabel(text) ? c : -1;
        }

        for (var c = first; c <= last && label >= 0; c++)
        {
            // Numbers as stored, or as text in a CSV.
            if (c != label && SheetAnalyzer.PositiveNumber(sheet.Get(row, c)) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A positive quantity next to a code or description that is not a total label.</summary>
    private static bool IsLine(RawSheet sheet, int row, int quantityColumn, IReadOnlyList<int> itemColumns)
    {
        if (SheetAnalyzer.PositiveNumber(sheet.Get(row, quantityColumn)) is null)
        {
            return false;
        }

        foreach (var column in itemColumns)
        {
            var text = SheetAnalyzer.CellText(sheet.Get(row, column));
            if (text.Length > 0 && !Synonyms.IsTotalLabel(text))
            {
                return true;
            }
        }

        return false;
    }
}
