namespace OrderPlatform.Worker.Parsing;

/// <summary>
/// Derived cells (Koci et al.'s "derived" role): a column whose values are quantity × another column is a line total,
/// whatever its header says, so it never stands as the unit price; the factor column is the price.
/// </summary>
internal static class DerivedColumns
{
    private const double Share = 0.8;

    public static void DemoteLineTotal(RawSheet sheet, TableCandidate table, List<int> rows, (string? Field, double Score)[] fields)
    {
        var quantity = Array.FindIndex(fields, f => f.Field == OrderFields.Quantity);
        var price = Array.FindIndex(fields, f => f.Field == OrderFields.Price);
        if (quantity < 0 || price < 0)
        {
            return;
        }

        for (var other = 0; other < fields.Length; other++)
        {
            if (other == quantity || other == price || fields[other].Field is not (null or OrderFields.LineTotal))
            {
                continue;
            }

            if (IsProduct(sheet, table.FirstColumn, rows, price, quantity, other))
            {
                fields[price] = (OrderFields.LineTotal, fields[price].Score);
                fields[other] = (OrderFields.Price, 0.7);
                return;
            }
        }
    }

    /// <summary>Most rows with all three numbers have total = quantity × factor (to the cent), and the factor is not 1.</summary>
    private static bool IsProduct(RawSheet sheet, int firstColumn, List<int> rows, int total, int quantity, int factor)
    {
        int compared = 0, equal = 0, ones = 0;
        foreach (var r in rows)
        {
            if (SheetAnalyzer.PositiveNumber(sheet.Get(r, firstColumn + total)) is not { } t
                || SheetAnalyzer.PositiveNumber(sheet.Get(r, firstColumn + quantity)) is not { } q
                || SheetAnalyzer.PositiveNumber(sheet.Get(r, firstColumn + factor)) is not { } f)
            {
                continue;
            }

            compared++;
            ones += f == 1 ? 1 : 0;
            equal += Math.Abs(t - (q * f)) <= 0.01 + (0.001 * t) ? 1 : 0;
        }

        return compared >= 2 && equal >= compared * Share && ones < compared;
    }
}
