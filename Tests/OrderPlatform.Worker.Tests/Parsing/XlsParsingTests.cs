using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>
/// The spreadsheet rules on real legacy .xls workbooks (written by <see cref="XlsBuilder"/>), read through
/// ExcelDataReader's BIFF path: a few of the .xlsx rule tests again, where the binary format stores things differently.
/// </summary>
public sealed class XlsParsingTests
{
    private static ParsedSheet Parse(XlsBuilder book, string fileName = "order.xls") => ParserHarness.Parse(book.Build(), fileName);

    private static XlsSheet GermanOrder(XlsBuilder book, string name = "Bestellung", int lines = 3) =>
        TestSheets.GermanOrder(book.Sheet(name), lines);

    [Fact]
    public void TheWrittenFileIsARealBiffWorkbookAndIsSniffedByItsBytesNotItsName()
    {
        var book = new XlsBuilder();
        GermanOrder(book);
        var bytes = book.Build();

        Assert.Equal([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], bytes[..8]);
        Assert.Equal("xls", ParserHarness.Parse(bytes, "order.xlsx").Format);
    }

    [Fact]
    public void GermanHeaderRowBelowAMetadataBlockIsFoundAndItsLinesAreRead()
    {
        var book = new XlsBuilder();
        GermanOrder(book);

        var sheet = Parse(book);

        Assert.Equal(("xls", "Bestellung", 8), (sheet.Format, sheet.SheetName, sheet.HeaderRowNumber));
        Assert.Equal(["B", "C", "D", "E", "F"],
            new[] { OrderFields.Code, OrderFields.Description, OrderFields.Quantity, OrderFields.Unit, OrderFields.Price }.Select(f => sheet.Column(f).Letter));
        Assert.Equal([9, 10, 11], sheet.Rows.Select(r => r.RowNumber));
        Assert.Equal(["4711-0000", "4711-0001", "4711-0002"], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Code).Text));
        Assert.Equal([10m, 11m, 12m], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Quantity).Number));
        Assert.Equal([0.25m, 1.25m, 2.25m], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Price).Number));

        var metadata = sheet.Metadata.ToDictionary(m => m.Key);
        Assert.Equal("10234", metadata[OrderFields.Customer].Value);
        Assert.Equal("PO-2026-118", metadata[OrderFields.PoNumber].Value);
        Assert.Equal(new DateOnly(2026, 3, 15), metadata[OrderFields.DeliveryDate].Date);
    }

    [Theory]
    [InlineData(',', "1.234,50", "12,5", "1 234,00 €")]
    [InlineData('.', "1,234.50", "12.5", "EUR 1,234.00")]
    public void NumbersStoredAsTextAreReadWithEitherDecimalSeparator(char separator, string first, string second, string third)
    {
        var book = new XlsBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty", "Price").Row(2, "A-1", "12 Stk", first).Row(3, "A-2", 1, second).Row(4, "A-3", 1, third);

        var sheet = Parse(book);

        Assert.Equal(separator, sheet.Column(OrderFields.Price).DecimalSeparator);
        Assert.Equal([1234.50m, 12.5m, 1234.00m], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Price).Number));
        Assert.Equal(12m, sheet.Cell(sheet.Rows[0], OrderFields.Quantity).Number);
    }

    [Fact]
    public void LongCodesKeepEveryDigitAsTextAndTooLongNumbersAreFlagged()
    {
        var book = new XlsBuilder();
        book.Sheet("Order").Row(1, "SKU", "EAN", "Qty")
            .Row(2, "000123", "0036000291452", 1)
            .Row(3, "A-2", 4006381333931d, 2)
            .Row(4, 1234567890123456789d, null, 3);

        var sheet = Parse(book);

        Assert.Equal(["000123", "A-2", "1234567890123460000"], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Code).Text));
        Assert.Equal(["0036000291452", "4006381333931"], sheet.Rows.Take(2).Select(r => sheet.Cell(r, OrderFields.Ean).Text));
        Assert.Contains(sheet.Rows[2].Warnings, w => w.Contains("16 or more digits", StringComparison.Ordinal));
    }

    [Fact]
    public void DateSerialsFollowTheWorkbookDateSystem()
    {
        static ParsedSheet Order(bool date1904)
        {
            var book = new XlsBuilder { Date1904 = date1904 };
            book.Sheet("Order").Row(1, "Delivery date", new XDateSerial(45000))
                .Row(3, "SKU", "Qty", "Date").Row(4, "A-1", 1, new DateOnly(2026, 3, 15));
            return Parse(book);
        }

        DateOnly? Delivery(ParsedSheet sheet) => sheet.Metadata.Single(m => m.Key == OrderFields.DeliveryDate).Date;
        var in1900 = Order(date1904: false);
        var in1904 = Order(date1904: true);

        Assert.Equal(new DateOnly(2023, 3, 15), Delivery(in1900));
        Assert.Equal(new DateOnly(2027, 3, 16), Delivery(in1904));
        Assert.Equal(new DateOnly(2026, 3, 15), in1900.Rows[0].Cells[2].Date);
        Assert.Equal(new DateOnly(2026, 3, 15), in1904.Rows[0].Cells[2].Date);
    }

    [Fact]
    public void TotalsRepeatedHeadersAndNotesAreSkippedAndTheTableEndsAtTheFirstEmptyRow()
    {
        var book = new XlsBuilder();
        TestSheets.LinesBetweenTotalsAndNotes(book.Sheet("Bestellung"));

        var sheet = Parse(book);

        Assert.Equal([2, 5, 7], sheet.Rows.Select(r => r.RowNumber));
        Assert.Equal([3, 4, 6, 8], sheet.SkippedRows);
    }

    [Fact]
    public void HiddenSheetsAndAPriceListWithoutQuantitiesLoseToTheOrderSheet()
    {
        var book = new XlsBuilder();
        var prices = book.Sheet("Preisliste").Row(1, "Art.-Nr.", "Bezeichnung", "Preis");
        for (var i = 0; i < 300; i++)
        {
            prices.Row(2 + i, $"9000-{i:0000}", $"Artikel Nummer {i} lang", 1.15 + i);
        }

        GermanOrder(book, lines: 42);
        var hidden = book.Sheet("Lookup", hidden: true).Row(1, "Art.-Nr.", "Bezeichnung", "Menge");
        for (var i = 0; i < 100; i++)
        {
            hidden.Row(2 + i, $"1111-{i:0000}", "Verstecktes Produkt X", 5);
        }

        var sheet = Parse(book);

        Assert.Equal("Bestellung", sheet.SheetName);
        Assert.Equal(42, sheet.Rows.Count);
        Assert.Empty(sheet.Questions);
    }

    [Fact]
    public void TwoSheetsWithCloseScoresAreAskedAboutInsteadOfGuessed()
    {
        var book = new XlsBuilder();
        GermanOrder(book, "Bestellung KW10", lines: 10);
        GermanOrder(book, "Bestellung KW11", lines: 9);

        var sheet = Parse(book);

        Assert.Equal("Bestellung KW10", sheet.SheetName);
        Assert.Equal(["Bestellung KW10", "Bestellung KW11"], Assert.Single(sheet.Questions, q => q.Topic == "sheet").Options);
    }

    [Fact]
    public void MergedCategoryCellsAreCopiedDownAndNeverBecomeLines()
    {
        var book = new XlsBuilder();
        book.Sheet("Order")
            .Row(1, "Kategorie", "Art.-Nr.", "Bezeichnung", "Menge")
            .Row(2, "Schrauben", "4711-0032", "Schraube M6", 10)
            .Row(3, null, "4711-0045", "Schraube M8", 5)
            .Row(4, null, "4711-0050", "Schraube M10", 2)
            .Merge("A2:A4");

        var sheet = Parse(book);

        Assert.Equal([2, 3, 4], sheet.Rows.Select(r => r.RowNumber));
        Assert.All(sheet.Rows, r => Assert.Equal("Schrauben", r.Cells[0].Text));
    }
}
