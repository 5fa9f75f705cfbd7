using System.Globalization;
using OrderPlatform.Contracts;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Committee;

/// <summary>Builds the <see cref="CanonicalOrder"/> from the voted column map and notes what a human must check (R10, R11, R14).</summary>
internal sealed class OrderAssembler(CommitteeOptions options)
{
    public CanonicalOrder Assemble(ParsedSheet sheet, Dictionary<string, int> columnMap, Dictionary<string, string> header, List<ReviewNote> notes)
    {
        var positions = columnMap.ToDictionary(kv => kv.Key, kv => sheet.Columns.ToList().FindIndex(c => c.Index == kv.Value));
        ParsedCell? Cell(ParsedRow row, string field) => positions.TryGetValue(field, out var i) && i >= 0 ? row.Cells[i] : null;
        string? Text(ParsedRow row, string field) => Cell(row, field) is { IsEmpty: false } c ? c.Text.Trim() : null;

        var lines = new List<OrderLine>();
        foreach (var row in sheet.Rows)
        {
            notes.AddRange(row.Warnings.Select(w => new ReviewNote(row.RowNumber, w)));
            var sku = Text(row, OrderFields.Code);
            var eanText = Text(row, OrderFields.Ean);
            var ean = Gs1.Normalize(eanText);
            if (eanText is not null && ean is null)
            {
                notes.Add(new ReviewNote(row.RowNumber, $"EAN {eanText} has no valid GS1 check digit."));
            }

            var quantityCell = Cell(row, OrderFields.Quantity);
            var quantity = quantityCell?.Number;

            // Without a unit column, "12,5 m" in the quantity says the unit itself.
            var unit = Text(row, OrderFields.Unit) ?? (quantityCell is { Kind: CellKind.Text } typed ? NumberText.TrailingUnit(typed.Text) : null);
            var priceCell = Cell(row, OrderFields.Price);
            if (priceCell is { IsEmpty: false, Number: null })
            {
                notes.Add(new ReviewNote(row.RowNumber, $"Price \"{priceCell.Text}\" could not be read as a number."));
            }

            var item = sku ?? ean ?? eanText ?? Text(row, OrderFields.Description) ?? "line";
            if (quantity is null)
            {
                notes.Add(new ReviewNote(row.RowNumber, $"{item} has no quantity."));
            }
            else if (quantity <= 0)
            {
                notes.Add(new ReviewNote(row.RowNumber, $"{item} has quantity {quantity}, which must be more than zero."));
            }
            else if (quantity != decimal.Truncate(quantity.Value) && !AllowsFractions(unit))
            {
                notes.Add(new ReviewNote(row.RowNumber, $"{item} has the fractional quantity {quantity} but the unit \"{unit ?? "piece"}\" is counted in whole numbers."));
            }

            lines.Add(new OrderLine(row.RowNumber, sku, ean ?? eanText, Text(row, OrderFields.Description), quantity, unit, priceCell?.Number));
        }

        foreach (var group in lines.Where(l => l.Sku is not null).GroupBy(l => l.Sku!, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var quantities = string.Join(" + ", group.Select(l => l.Quantity?.ToString(CultureInfo.InvariantCulture) ?? "?"));
            notes.Add(new ReviewNote(group.First().RowNumber, $"{group.Key} appears {(group.Count() == 2 ? "twice" : $"{group.Count()} times")} ({quantities}). Merge?"));
        }

        return new CanonicalOrder(
            header.GetValueOrDefault(OrderFields.Customer),
            header.GetValueOrDefault(OrderFields.PoNumber),
            Date(header.GetValueOrDefault(OrderFields.OrderDate)),
            Date(header.GetValueOrDefault(OrderFields.DeliveryDate)),
            lines);
    }

    private bool AllowsFractions(string? unit) =>
        unit is not null && options.FractionalUnits.Contains(unit.Trim(), StringComparer.OrdinalIgnoreCase);

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
