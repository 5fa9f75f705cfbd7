using Microsoft.Extensions.Options;
using OrderPlatform.Worker.Parsing;

namespace OrderPlatform.Worker.Tests.Parsing;

internal static class ParserHarness
{
    public static ParsedSheet Parse(byte[] bytes, string fileName = "order.xlsx", ParserOptions? options = null) =>
        new SpreadsheetParser(Options.Create(options ?? new ParserOptions())).Parse(new MemoryStream(bytes), fileName);

    public static ParsedSheet Parse(XlsxBuilder book, ParserOptions? options = null) => Parse(book.Build(), "order.xlsx", options);

    public static ParsedColumn Column(this ParsedSheet sheet, string field) => sheet.Columns.Single(c => c.SynonymField == field);

    public static ParsedCell Cell(this ParsedSheet sheet, ParsedRow row, string field) =>
        row.Cells[sheet.Columns.ToList().FindIndex(c => c.SynonymField == field)];

    public static ParsedRow RowAt(this ParsedSheet sheet, int rowNumber) => sheet.Rows.Single(r => r.RowNumber == rowNumber);

    /// <summary>The spec's running example: a customer block, an empty row, then a German line table from row 8.</summary>
    public static XSheet GermanOrder(XlsxBuilder book, string name = "Bestellung", int lines = 3)
    {
        var sheet = book.Sheet(name)
            .Row(1, "Bestellung Müller GmbH")
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
}
