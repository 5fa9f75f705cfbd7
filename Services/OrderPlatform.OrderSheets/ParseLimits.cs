namespace OrderPlatform.OrderSheets;

/// <summary>
/// One parse's budget: the configured caps, the running counts they are checked against and the cancellation token
/// (the activity's, joined with the parse deadline). Every reader goes through it, so a hostile file is refused before
/// it can grow memory or time, whatever format it came in.
/// </summary>
internal sealed class ParseLimits(ParserOptions options, CancellationToken cancellation)
{
    private long _cellSlots;
    private long _mergedCells;
    private int _merges;

    public ParserOptions Options { get; } = options;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Rows a sheet may reach: the line cap plus room for title blocks, headers and totals.</summary>
    public int RowLimit => Options.MaxDataRows + 200;

    public void ThrowIfCancelled() => Cancellation.ThrowIfCancellationRequested();

    /// <summary>Refuses a cell outside the accepted rows or columns before anything is allocated for it.</summary>
    public void CheckCell(string sheet, int row, int column)
    {
        if (row < 0 || row >= RowLimit)
        {
            throw new SpreadsheetException(SpreadsheetError.TooManyRows,
                $"{Where(sheet)} has data in row {(long)row + 1:N0}; an order may have at most {Options.MaxDataRows:N0} lines.");
        }

        if (column < 0 || column >= Options.MaxColumns)
        {
            throw TooManyColumns(sheet, column);
        }
    }

    public SpreadsheetException TooManyColumns(string sheet, int column) => new(SpreadsheetError.TooManyColumns,
        $"{Where(sheet)} has data in column {CellReferences.ColumnLetter(Math.Max(column, 0))}; an order may use at most {Options.MaxColumns} columns.");

    /// <summary>A CSV's one sheet is the file itself.</summary>
    private static string Where(string sheet) => sheet == CsvReader.SheetName ? "The file" : $"Sheet \"{sheet}\"";

    /// <summary>Row arrays are dense, so their total length is what memory grows with; capped across the workbook.</summary>
    public void AllocateCells(int slots)
    {
        _cellSlots += slots;
        if (_cellSlots > Options.MaxCells)
        {
            throw new SpreadsheetException(SpreadsheetError.TooManyCells,
                $"The file holds more than {Options.MaxCells:N0} cells, far more than an order; it was not read.");
        }
    }

    /// <summary>Counts a merged range and the cells unmerging will fill, refusing reversed or oversized ones.</summary>
    public void AddMerge(string sheet, CellRange range)
    {
        CheckRange(sheet, range);
        _merges++;
        _mergedCells += ((long)range.LastRow - range.FirstRow + 1) * (range.LastColumn - range.FirstColumn + 1);
        if (_merges > Options.MaxMerges || _mergedCells > Options.MaxMergedCells)
        {
            throw new SpreadsheetException(SpreadsheetError.TooManyMerges,
                $"The workbook merges more cells than an order could ({_merges:N0} merged ranges); please unmerge them and send it again.");
        }
    }

    /// <summary>A range (merge, Excel Table) must run forwards and stay inside the accepted rows and columns.</summary>
    public void CheckRange(string sheet, CellRange range)
    {
        if (range.LastRow < range.FirstRow || range.LastColumn < range.FirstColumn)
        {
            throw new SpreadsheetException(SpreadsheetError.Corrupt,
                $"{Where(sheet)} holds a reversed cell range ({CellReferences.Format(range.FirstRow, range.FirstColumn)}:{CellReferences.Format(range.LastRow, range.LastColumn)}); the workbook is damaged.");
        }

        CheckCell(sheet, range.FirstRow, range.FirstColumn);
        CheckCell(sheet, range.LastRow, range.LastColumn);
    }
}
