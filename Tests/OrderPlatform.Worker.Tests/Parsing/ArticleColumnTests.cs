using System.Text;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Tests.Committee;

namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>
/// The article-number column when no synonym names it (issue 14): found by its values, in several layouts and
/// languages, and never confused with quantities, prices, dates, positions or the description.
/// </summary>
public sealed class ArticleColumnTests
{
    [Fact]
    public async Task ADutchErpExportWhoseCodeHeaderIsKenmerkGetsItsSkusFromTheValues()
    {
        var csv = "Kenmerk;Omschrijving;Aantal;Eenheid;Prijs\n" +
            "100-2345;Schroef M6x20 verzinkt;12;st;4,20\n" +
            "100-2346;Moer M6 verzinkt DIN 934;200;st;0,05\n" +
            "TOT-0017;Totaal reiniger 500 ml;6;fles;2,35\n" +
            "200-0018;Kabelbinder zwart 200 mm;6;zak;2,35\n";

        var sheet = ParserHarness.Parse(Encoding.UTF8.GetBytes(csv), "export.csv");
        var review = await CommitteeHarness.RunAsync(sheet);

        Assert.Equal("A", Assert.Single(sheet.Columns, c => c.ContentField == OrderFields.Code).Letter);
        Assert.Equal(["100-2345", "100-2346", "TOT-0017", "200-0018"], review.Order.Lines.Select(l => l.Sku));
        Assert.Equal("A", review.ColumnMap[OrderFields.Code]);
    }

    [Fact]
    public async Task AGermanSheetWithABlankHeaderOverItsCodesKeepsTheColumnInTheTable()
    {
        var book = new XlsxBuilder();
        book.Sheet("Bestellung")
            .Row(1, "Kundennr.", "10234")
            .Row(3, null, "Bezeichnung", "Menge", "ME", "Preis")
            .Row(4, "4711-0032", "Schraube M6x20 verzinkt", 100, "Stk", 0.12)
            .Row(5, "4711-0045", "Schraube M8x30 verzinkt", 50, "Stk", 0.21)
            .Row(6, "KAB-3X1.5", "Kabel NYM-J 3x1,5 mm²", 25, "m", 0.89);

        var review = await CommitteeHarness.RunAsync(book);

        Assert.Equal("A", review.ColumnMap[OrderFields.Code]);
        Assert.Equal(["4711-0032", "4711-0045", "KAB-3X1.5"], review.Order.Lines.Select(l => l.Sku));
        Assert.False(review.NeedsReview, string.Join("; ", review.Notes.Select(n => n.Text).Concat(review.Disagreements)));
    }

    [Fact]
    public async Task AnEnglishSheetPicksTheCodesOverPositionsDatesAndAShortDescription()
    {
        // "Model" is in no dictionary; a running position, a date per line and short two-word descriptions are not codes.
        var book = new XlsxBuilder();
        book.Sheet("Order")
            .Row(1, "Pos.", "Model", "Description", "Qty", "Required", "Price")
            .Row(2, 1, "XR-200B", "Bolt M6", 10, new DateOnly(2026, 12, 14), 0.5)
            .Row(3, 2, "XR-210B", "Nut M6", 20, new DateOnly(2026, 12, 15), 0.1)
            .Row(4, 3, "ZK-7", "Washer M6", 100, new DateOnly(2026, 12, 16), 0.02)
            .Row(5, 4, "ZK-9", "Plug 8x40", 40, new DateOnly(2026, 12, 17), 0.07);

        var sheet = ParserHarness.Parse(book);
        var review = await CommitteeHarness.RunAsync(sheet);

        Assert.Equal("B", Assert.Single(sheet.Columns, c => c.ContentField == OrderFields.Code).Letter);
        Assert.Equal("B", review.ColumnMap[OrderFields.Code]);
        Assert.Equal(["XR-200B", "XR-210B", "ZK-7", "ZK-9"], review.Order.Lines.Select(l => l.Sku));
        Assert.Equal([10m, 20m, 100m, 40m], review.Order.Lines.Select(l => l.Quantity));
    }

    public static TheoryData<string, string, string, string> NumericCodeSheets => new()
    {
        { "Nummer", "Benämning", "Antal", "À-pris" },
        { "Nummer", "Bezeichnung", "Menge", "Preis" },
        { "Numéro", "Désignation", "Qté", "Prix" },
    };

    [Theory]
    [MemberData(nameof(NumericCodeSheets))]
    public async Task ArticleNumbersStoredAsNumbersAreCodesNotQuantitiesOrPrices(string code, string description, string quantity, string price)
    {
        var book = new XlsxBuilder();
        var order = book.Sheet("Order").Row(1, code, description, quantity, price);
        int[] numbers = [100234, 100517, 203344, 203391, 310022];
        for (var i = 0; i < numbers.Length; i++)
        {
            order.Row(2 + i, numbers[i], $"Skruv M{6 + i}x20 förzinkad", 10 * (i + 1), 0.25 + i);
        }

        var sheet = ParserHarness.Parse(book);
        var review = await CommitteeHarness.RunAsync(sheet);

        Assert.Equal("A", review.ColumnMap[OrderFields.Code]);
        Assert.Equal(numbers.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), review.Order.Lines.Select(l => l.Sku));
        Assert.Equal("C", review.ColumnMap[OrderFields.Quantity]);
        Assert.Equal("D", review.ColumnMap[OrderFields.Price]);
    }

    [Fact]
    public async Task AFrenchSheetWithAnUnknownHeaderAndARepeatedStoreColumnTakesTheUniqueCodes()
    {
        // "Magasin" repeats two values: an attribute of the line, not its article.
        var book = new XlsxBuilder();
        book.Sheet("Commande")
            .Row(1, "Repère", "Magasin", "Désignation", "Qté", "Prix unitaire")
            .Row(2, "VB440", "Dépôt 1", "Vis à bois tête fraisée 4x40", 200, 0.08)
            .Row(3, "VB450", "Dépôt 1", "Vis à bois tête fraisée 4x50", 150, 0.09)
            .Row(4, "CH612", "Dépôt 2", "Cheville nylon 6x30", 300, 0.03)
            .Row(5, "CH814", "Dépôt 2", "Cheville nylon 8x40", 100, 0.05);

        var review = await CommitteeHarness.RunAsync(book);

        Assert.Equal("A", review.ColumnMap[OrderFields.Code]);
        Assert.Equal(["VB440", "VB450", "CH612", "CH814"], review.Order.Lines.Select(l => l.Sku));
    }

    [Fact]
    public void AKnownCodeHeaderIsNeverOverruledByContent()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "Item no", "Batch", "Description", "Qty")
            .Row(2, "A-1", "LOT-20931", "Bolt M6x20 zinc plated", 10)
            .Row(3, "A-2", "LOT-20932", "Nut M6 zinc plated", 20);

        var sheet = ParserHarness.Parse(book);

        Assert.Equal("A", sheet.Column(OrderFields.Code).Letter);
        Assert.DoesNotContain(sheet.Columns, c => c.ContentField is not null);
    }

    [Fact]
    public void AColumnOfQuantitiesPricesOrLongTextIsNoCodeColumn()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "Kenmerk", "Omschrijving", "Aantal", "Prijs")
            .Row(2, "zie tekening", "Schroef M6x20 verzinkt", 10, 0.5)
            .Row(3, "zie tekening", "Moer M6 verzinkt", 20, 0.1)
            .Row(4, "spoed", "Sluitring M6 verzinkt", 100, 0.02);

        var sheet = ParserHarness.Parse(book);

        Assert.DoesNotContain(sheet.Columns, c => c.ContentField is not null);
    }
}
