namespace OrderPlatform.OrderSheets;

internal enum RawKind : byte
{
    Text,
    Number,
    Date,
    Boolean,
    Error,
    MissingFormulaValue,
}

/// <summary>A cell as stored: dates keep their serial in the 1900 system so every reader hands over the same thing.</summary>
internal readonly record struct RawCell(RawKind Kind, string? Text, double Number);

internal readonly record struct CellRange(int FirstRow, int FirstColumn, int LastRow, int LastColumn);

/// <summary>A sheet's cells; every write is checked against <see cref="ParseLimits"/> before memory is taken for it.</summary>
internal sealed class RawSheet(string name, bool hidden, ParseLimits limits)
{
    public string Name { get; } = name;

    public bool Hidden { get; } = hidden;

    /// <summary>Rows by 0-based index; rows the file never mentions are null.</summary>
    public List<RawCell?[]?> Rows { get; } = [];

    public List<CellRange> Merges { get; } = [];

    /// <summary>Excel Tables (ListObjects): certain line tables when present (spec R2).</summary>
    public List<CellRange> Tables { get; } = [];

    /// <summary>Workbook-level named ranges on this sheet; used first only when their top row reads as a line header.</summary>
    public List<CellRange> NamedRanges { get; } = [];

    public ParseLimits Limits { get; } = limits;

    // The width the previous row used: a new row starts that wide, so a sheet's rows are allocated once each instead of
    // growing 1, 2, 4, 8 (profiled: half the cell memory of a 10,000-line parse). Only a hint; one wide row misleads
    // only the row after it.
    private int _currentRow = -1;
    private int _currentWidth;
    private int _previousWidth;

    public void Set(int row, int column, RawCell cell)
    {
        Limits.CheckCell(Name, row, column);
        while (Rows.Count <= row)
        {
            Rows.Add(null);
        }

        if (row != _currentRow)
        {
            (_currentRow, _previousWidth, _currentWidth) = (row, _currentWidth, 0);
        }

        _currentWidth = Math.Max(_currentWidth, column + 1);
        var cells = Rows[row];
        if (cells is null || cells.Length <= column)
        {
            var length = Math.Min(Limits.Options.MaxColumns, Math.Max(column + 1, cells is null ? _previousWidth : cells.Length * 2));
            Limits.AllocateCells(length - (cells?.Length ?? 0));
            Array.Resize(ref cells, length);
            Rows[row] = cells;
        }

        cells[column] = cell;
    }

    public RawCell? Get(int row, int column)
    {
        if (row < 0 || row >= Rows.Count || Rows[row] is not { } cells || column < 0 || column >= cells.Length)
        {
            return null;
        }

        return cells[column];
    }
}

internal sealed record RawWorkbook(string Format, IReadOnlyList<RawSheet> Sheets, char? ImpliedDecimalSeparator);
