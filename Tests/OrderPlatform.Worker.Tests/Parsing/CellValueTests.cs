using System.Text;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

public sealed class CellValueTests
{
    private static ParsedSheet OneColumnOfPrices(params object[] prices)
    {
        var book = new XlsxBuilder();
        var sheet = book.Sheet("Order").Row(1, "SKU", "Qty", "Price");
        for (var i = 0; i < prices.Length; i++)
        {
            sheet.Row(2 + i, $"A-{i:000}", 1, prices[i]);
        }

        return ParserHarness.Parse(book);
    }

    [Fact]
    public void TextNumbersWithCommaDecimalsAndDotThousandsAreReadPerColumn()
    {
        var sheet = OneColumnOfPrices("1.234,50", "12,5", "1 234,00 €", "1.234");

        Assert.Equal(',', sheet.Column(OrderFields.Price).DecimalSeparator);
        Assert.Equal([1234.50m, 12.5m, 1234.00m, 1234m], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Price).Number));
    }

    [Fact]
    public void TextNumbersWithDotDecimalsAndCommaThousandsAreReadPerColumn()
    {
        var sheet = OneColumnOfPrices("1,234.50", "4.5", "EUR 99.90", "1,234");

        Assert.Equal('.', sheet.Column(OrderFields.Price).DecimalSeparator);
        Assert.Equal([1234.50m, 4.5m, 99.90m, 1234m], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Price).Number));
    }

    [Fact]
    public void QuantitiesWithTrailingUnitsAreCleanedBeforeReading()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty").Row(2, "A-1", "12 Stk").Row(3, "A-2", "3 pcs").Row(4, "A-3", "\u00A07x ");

        var sheet = ParserHarness.Parse(book);

        Assert.Equal([12m, 3m, 7m], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Quantity).Number));
    }

    [Fact]
    public void AColumnWhereEveryValueLooksLikeThousandsIsAskedAboutNotGuessed()
    {
        var sheet = OneColumnOfPrices("1.234", "2.500");

        Assert.True(sheet.Column(OrderFields.Price).DecimalAmbiguous);
        Assert.Null(sheet.Cell(sheet.Rows[0], OrderFields.Price).Number);
        Assert.Contains(sheet.Questions, q => q.Topic == "decimal-separator");
    }

    [Fact]
    public void TheCustomerProfileSettlesAnAmbiguousSeparator()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty", "Price").Row(2, "A-1", 1, "1.234");

        var sheet = ParserHarness.Parse(book, new ParserOptions { DecimalSeparator = ',' });

        Assert.Equal(1234m, sheet.Cell(sheet.Rows[0], OrderFields.Price).Number);
        Assert.Empty(sheet.Questions);
    }

    [Fact]
    public void NumericEanKeepsAllThirteenDigitsWithoutExponent()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "EAN", "Description", "Qty").Row(2, 4006381333931d, "Textmarker gelb", 12);

        var sheet = ParserHarness.Parse(book);

        Assert.Equal("4006381333931", sheet.Cell(sheet.Rows[0], OrderFields.Ean).Text);
    }

    [Fact]
    public void CodesStoredAsTextKeepTheirLeadingZeros()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "EAN", "Qty").Row(2, "000123", "0036000291452", 1);

        var row = ParserHarness.Parse(book).Rows[0];

        Assert.Equal("000123", row.Cells[0].Text);
        Assert.Equal("0036000291452", row.Cells[1].Text);
    }

    [Fact]
    public void CodesOfSixteenOrMoreDigitsTypedAsNumbersAreFlagged()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty").Row(2, 1234567890123456789d, 1);

        var row = ParserHarness.Parse(book).Rows[0];

        Assert.Equal("1234567890123460000", row.Cells[0].Text);
        Assert.Contains(row.Warnings, w => w.Contains("16 or more digits", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("4006381333931", "4006381333931")]
    [InlineData("36000291452", "0036000291452")]
    [InlineData("4006381333932", null)]
    [InlineData("12345678901231", "12345678901231")]
    public void Gs1CheckDigitValidatesAndPadsLostLeadingZeros(string input, string? expected) =>
        Assert.Equal(expected, Gs1.Normalize(input));

    [Fact]
    public void DateSerialsFollowTheWorkbookDateSystem()
    {
        static DateOnly? Delivery(bool date1904)
        {
            var book = new XlsxBuilder { Date1904 = date1904 };
            book.Sheet("Order").Row(1, "Delivery date", new XDateSerial(45000)).Row(3, "SKU", "Qty").Row(4, "A-1", 1);
            return ParserHarness.Parse(book).Metadata.Single(m => m.Key == OrderFields.DeliveryDate).Date;
        }

        Assert.Equal(new DateOnly(2023, 3, 15), Delivery(false));
        Assert.Equal(new DateOnly(2027, 3, 16), Delivery(true));
    }

    [Fact]
    public void SerialSixtyIsTheNonExistentLeapDayAndIsRejected()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty", "Date").Row(2, "A-1", 1, new XDateSerial(60));

        var row = ParserHarness.Parse(book).Rows[0];

        Assert.Null(row.Cells[2].Date);
        Assert.Contains(row.Warnings, w => w.Contains("29 Feb 1900", StringComparison.Ordinal));
    }

    [Fact]
    public void TextDatesAreReadWhenUnambiguousAndAskedAboutOtherwise()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty", "Date")
            .Row(2, "A-1", 1, "2026-03-15").Row(3, "A-2", 1, "15.03.2026").Row(4, "A-3", 1, "03/04/2026");

        var sheet = ParserHarness.Parse(book);

        Assert.Equal([new DateOnly(2026, 3, 15), new DateOnly(2026, 3, 15), null], sheet.Rows.Select(r => r.Cells[2].Date));
        Assert.Contains(sheet.Questions, q => q.Topic == "date-order");
    }

    [Fact]
    public void FormulaCellsUseTheirCachedValuesAndErrorsBecomeEmptyWithAWarning()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty", "Price", "Total")
            .Row(2, "A-1", 12, 4.5, new XFormula("B2*C2", 54))
            .Row(3, "A-2", 2, 1, new XFormula("B3*Z3", new XError("#REF!")))
            .Row(4, "A-3", 3, 1, new XFormula("B4*C4", null));

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(54m, sheet.Rows[0].Cells[3].Number);
        Assert.Equal(CellKind.Error, sheet.Rows[1].Cells[3].Kind);
        Assert.Contains(sheet.Rows[1].Warnings, w => w.Contains("#REF!", StringComparison.Ordinal));
        Assert.True(sheet.Rows[2].Cells[3].IsEmpty);
        Assert.Contains(sheet.Rows[2].Warnings, w => w.Contains("without a stored result", StringComparison.Ordinal));
    }

    [Fact]
    public void SemicolonCsvImpliesCommaDecimals()
    {
        var csv = "Art.-Nr.;Bezeichnung;Menge\r\n4711-0032;Schraube M6;12,5\r\n\"4711;0045\";\"Mutter \"\"M8\"\"\";1.000\r\n";

        var sheet = ParserHarness.Parse(Encoding.UTF8.GetBytes(csv), "order.csv");

        Assert.Equal([12.5m, 1000m], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Quantity).Number));
        Assert.Equal("4711;0045", sheet.Rows[1].Cells[0].Text);
        Assert.Equal("Mutter \"M8\"", sheet.Rows[1].Cells[1].Text);
    }

    [Fact]
    public void CsvWithoutBomThatIsNotUtf8IsReadAsWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var csv = "Artikel,Désignation,Qté\r\nREF-1,Tournevis étoile,3\r\n";

        var sheet = ParserHarness.Parse(Encoding.GetEncoding(1252).GetBytes(csv), "commande.csv");

        Assert.Equal("Désignation", sheet.Columns[1].Header);
        Assert.Equal("Tournevis étoile", sheet.Rows[0].Cells[1].Text);
    }
}

public sealed class CustomerConventionTests
{
    [Fact]
    public void AConfirmedProfileSettlesAmbiguousNumbersAndDatesForThatCustomerOnly()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty", "Price", "Date").Row(2, "A-1", 1, "1.234", "03/04/2026");
        var bytes = book.Build();
        var parser = new SpreadsheetParser(Microsoft.Extensions.Options.Options.Create(new ParserOptions()));

        var ct = TestContext.Current.CancellationToken;
        var known = parser.Parse(new MemoryStream(bytes), "order.xlsx", new CustomerConventions(',', "dmy"), ct);
        var unknown = parser.Parse(new MemoryStream(bytes), "order.xlsx", null, ct);

        Assert.Equal((1234m, new DateOnly(2026, 4, 3)), (known.Rows[0].Cells[2].Number!.Value, known.Rows[0].Cells[3].Date!.Value));
        Assert.Empty(known.Questions);
        Assert.Equal(["decimal-separator", "date-order"], unknown.Questions.Select(q => q.Topic));
    }
}
