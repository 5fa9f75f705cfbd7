namespace OrderPlatform.OrderSheets;

/// <summary>
/// Derived cells (Koci et al.'s "derived" role): a column whose values are quantity × another column is a line total,
/// whatever its header says, so it never stands as the unit price; the factor column is the price.
/// </summary>
internal static class DerivedColumns
{
    private const double Share = 0.8;
    private const int SampleRows = 200;

    public static void DemoteLineTotal(RawSheet sheet, TableCandidate table, List<int> rows, (string? Field, double Score)[] fields)
    {
        var quantity = Array.FindIndex(fields, f => f.Field == OrderFields.Quantity);
        var price = Array.FindIndex(fields, f => f.Field == OrderFields.Price);
        if (quantity < 0 || price < 0)
        {
            return;
        }

        // A sample settles it; reading every row of a 50,000-line order five times over would not change the answer.
        var sample = rows.Take(SampleRows).ToList();
        var totals = Numbers(sheet, table.FirstColumn + price, sample);
        var quantities = Numbers(sheet, table.FirstColumn + quantity, sample);
        for (var other = 0; other < fields.Length; other++)
        {
            if (other == quantity || other == price || fields[other].Field is not (null or OrderFields.LineTotal))
            {
                continue;
            }

            if (IsProduct(totals, quantities, Numbers(sheet, table.FirstColumn + other, sample)))
            {
                fields[price] = (OrderFields.LineTotal, fields[price].Score);
                fields[other] = (OrderFields.Price, 0.7);
                return;
            }
        }
    }

    private static double?[] Numbers(RawSheet sheet, int column, List<int> rows) =>
        [.. rows.Select(r => SheetAnalyzer.PositiveNumber(sheet.Get(r, column)))];

    /// <summary>Most rows with all three numbers have total = quantity × factor (to the cent), and the factor is not 1.</summary>
    private static bool IsProduct(double?[] totals, double?[] quantities, double?[] factors)
    {
        int compared = 0, equal = 0, ones = 0;
        for (var i = 0; i < totals.Length; i++)
        {
            if (totals[i] is not { } t || quantities[i] is not { } q || factors[i] is not { } f)
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
