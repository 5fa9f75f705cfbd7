using System.Globalization;

namespace OrderPlatform.OrderSheets;

/// <summary>Key/value pairs above the header (spec R7): "Key: value" in one cell, or a label with its value beside or below.</summary>
internal static class MetadataReader
{
    public static List<MetadataField> Read(RawSheet sheet, int endRow, Synonyms synonyms, string? dateOrder)
    {
        var found = new Dictionary<string, MetadataField>();
        for (var r = 0; r < Math.Min(endRow, sheet.Rows.Count); r++)
        {
            var cells = sheet.Rows[r];
            for (var c = 0; cells is not null && c < cells.Length; c++)
            {
                if (cells[c] is not { Kind: RawKind.Text, Text: { } text })
                {
                    continue;
                }

                var colon = text.IndexOf(':');
                var label = colon >= 0 ? text[..colon] : text;
                var (key, _) = synonyms.MatchMetadata(label);
                if (key is null || found.ContainsKey(key))
                {
                    continue;
                }

                RawCell? valueCell = null;
                var valueText = colon >= 0 ? text[(colon + 1)..].Trim() : "";
                var reference = CellReferences.Format(r, c);
                if (valueText.Length == 0 && Beside(sheet, r, c) is { } beside)
                {
                    (valueCell, reference) = beside;
                    valueText = SheetAnalyzer.CellText(valueCell);
                }

                if (valueText.Length == 0)
                {
                    continue;
                }

                var date = valueCell is { Kind: RawKind.Date } d ? DateText.FromSerial(d.Number) : DateText.Parse(valueText, dateOrder, out _);
                if (date is { } day && key is OrderFields.DeliveryDate or OrderFields.OrderDate)
                {
                    valueText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                }

                found[key] = new MetadataField(key, label.Trim(), valueText, reference, date);
            }
        }

        if (!found.ContainsKey(OrderFields.PoNumber) && FromTitle(sheet, endRow, synonyms, dateOrder) is { } title)
        {
            found[OrderFields.PoNumber] = title.Po;
            if (title.Date is { } date && !found.ContainsKey(OrderFields.OrderDate))
            {
                found[OrderFields.OrderDate] = date;
            }
        }

        return [.. found.Values];
    }

    /// <summary>A title sentence such as "Bestellung Nr. 4500012345 vom 03.12.2026": a PO keyword, then a number.</summary>
    private static (MetadataField Po, MetadataField? Date)? FromTitle(RawSheet sheet, int endRow, Synonyms synonyms, string? dateOrder)
    {
        for (var r = 0; r < Math.Min(endRow, sheet.Rows.Count); r++)
        {
            var cells = sheet.Rows[r];
            for (var c = 0; cells is not null && c < cells.Length; c++)
            {
                if (cells[c] is { Kind: RawKind.Text, Text: { Length: > 8 and < 200 } text }
                    && synonyms.PoNumberInSentence(text) is { } match && DateText.Parse(match.Value, "dmy", out _) is null)
                {
                    // "… vom 03.12.2026": the sentence's date is the order's date.
                    var reference = CellReferences.Format(r, c);
                    var day = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        .Select(word => DateText.Parse(word.TrimEnd('.', ','), dateOrder, out _)).FirstOrDefault(d => d is not null);
                    var date = day is { } d
                        ? new MetadataField(OrderFields.OrderDate, match.Keyword, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), reference, d)
                        : null;
                    return (new MetadataField(OrderFields.PoNumber, match.Keyword, match.Value, reference, null), date);
                }
            }
        }

        return null;
    }

    private static (RawCell Cell, string Reference)? Beside(RawSheet sheet, int row, int column)
    {
        for (var c = column + 1; c <= column + 3; c++)
        {
            if (sheet.Get(row, c) is { } right && SheetAnalyzer.CellText(right).Length > 0)
            {
                return (right, CellReferences.Format(row, c));
            }
        }

        return sheet.Get(row + 1, column) is { } below && below.Kind != RawKind.Text
            ? (below, CellReferences.Format(row + 1, column))
            : null;
    }
}
