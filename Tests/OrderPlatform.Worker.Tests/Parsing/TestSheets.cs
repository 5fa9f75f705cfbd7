namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>What both workbook writers (.xlsx and .xls) offer, so one sheet description serves both formats.</summary>
public interface ITestSheet<out TSelf>
    where TSelf : ITestSheet<TSelf>
{
    TSelf Row(int number, params object?[] values);

    TSelf RowFrom(int number, int firstColumn, params object?[] values);
}

/// <summary>Sheets the rule tests use in both formats.</summary>
internal static class TestSheets
{
    /// <summary>The spec's running example: a customer block, an empty row, then a German line table from row 8.</summary>
    public static TSheet GermanOrder<TSheet>(TSheet sheet, int lines = 3)
        where TSheet : ITestSheet<TSheet>
    {
        sheet.Row(1, "Bestellung Müller GmbH")
            .RowFrom(2, 1, "Kundennr.: 10234")
            .Row(3, "Bestellnr.", "PO-2026-118")
            .Row(4, "Liefertermin", new DateOnly(2026, 3, 15))
            .Row(8, "Pos.", "Art.-Nr.", "Bezeichnung", "Menge", "ME", "Preis €");
        for (var i = 0; i < lines; i++)
        {
            sheet.Row(9 + i, i + 1, $"4711-{i:0000}", $"Schraube M{6 + i}x20 verzinkt, DIN 933", 10 + i, "Stk", 0.25 + i);
        }

        return sheet;
    }

    /// <summary>Lines 2, 5 and 7 between a note, a repeated header, a subtotal and a total; row 10 comes after an empty row.</summary>
    public static TSheet LinesBetweenTotalsAndNotes<TSheet>(TSheet sheet)
        where TSheet : ITestSheet<TSheet> =>
        sheet.Row(1, "Art.-Nr.", "Bezeichnung", "Menge", "Preis")
            .Row(2, "4711-0032", "Schraube M6", 10, 0.5)
            .Row(3, null, "Bitte in Kartons liefern")
            .Row(4, "Art.-Nr.", "Bezeichnung", "Menge", "Preis")
            .Row(5, "4711-0045", "Schraube M8", 5, 0.7)
            .Row(6, "Zwischensumme", null, 15)
            .Row(7, "4711-0050", "Schraube M10", 2, 0.9)
            .Row(8, "Summe", null, 17, 12.3)
            .Row(10, "9999-0001", "Nach der Leerzeile", 1, 1);
}
