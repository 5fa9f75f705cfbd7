using Microsoft.Extensions.Options;
using OrderPlatform.OrderSheets;

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

    /// <summary>The spec's running example (<see cref="TestSheets.GermanOrder{TSheet}"/>) as .xlsx.</summary>
    public static XSheet GermanOrder(XlsxBuilder book, string name = "Bestellung", int lines = 3) =>
        TestSheets.GermanOrder(book.Sheet(name), lines);
}
