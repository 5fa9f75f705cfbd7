namespace OrderPlatform.OrderSheets;

/// <summary>A1-style references to 0-based (row, column) and back.</summary>
public static class CellReferences
{
    public static string ColumnLetter(int column)
    {
        var letters = "";
        for (var n = column + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    public static string Format(int row, int column) => ColumnLetter(column) + (row + 1);

    internal static bool TryParse(string reference, out (int Row, int Column) position)
    {
        position = default;
        var column = 0;
        var i = 0;
        // Three letters reach XFD, the last Excel column; more would only overflow.
        for (; i < reference.Length && i < 4 && char.IsAsciiLetter(reference[i]); i++)
        {
            column = (column * 26) + (char.ToUpperInvariant(reference[i]) - 'A' + 1);
        }

        if (i == 0 || i == reference.Length || !int.TryParse(reference.AsSpan(i), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var row) || row < 1 || column > 16384)
        {
            return false;
        }

        position = (row - 1, column - 1);
        return true;
    }

    internal static bool TryParseRange(string reference, out CellRange range)
    {
        range = default;
        var parts = reference.Split(':');
        if (parts.Length > 2 || !TryParse(parts[0], out var first))
        {
            return false;
        }

        var last = first;
        if (parts.Length == 2 && !TryParse(parts[1], out last))
        {
            return false;
        }

        range = new CellRange(first.Row, first.Column, last.Row, last.Column);
        return true;
    }
}
