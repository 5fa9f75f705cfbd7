using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>Title blocks above the line table (R7): label/value cells and title sentences, in several languages.</summary>
public sealed class TitleBlockTests
{
    public static TheoryData<string[]> Labels => new()
    {
        { ["Customer no.", "PO number", "Order date", "Your reference", "Supplier"] },
        { ["Kundennr.", "Bestellnummer", "Bestelldatum", "Ihr Zeichen", "Lieferant"] },
        { ["Klantnummer", "Inkoopordernummer", "Orderdatum", "Uw referentie", "Leverancier"] },
        { ["Kundnummer", "Beställningsnummer", "Orderdatum", "Er referens", "Leverantör"] },
    };

    [Theory]
    [MemberData(nameof(Labels))]
    public void LabelValueCellsGiveCustomerNumberPoAndDateButNotTheContactOrSupplier(string[] labels)
    {
        var book = new XlsxBuilder();
        book.Sheet("Order")
            .Row(1, labels[4], "Müller Industriebedarf GmbH")
            .Row(2, labels[0], 10234)
            .Row(3, labels[1], "4500012345")
            .Row(4, labels[2], new DateOnly(2026, 12, 3))
            .Row(5, labels[3], "Anna Berg")
            .Row(7, "SKU", "Description", "Qty")
            .Row(8, "AB-100", "Bolt M6x20 zinc plated", 10);

        var metadata = ParserHarness.Parse(book).Metadata.ToDictionary(m => m.Key, m => m.Value);

        Assert.Equal("10234", metadata[OrderFields.Customer]);
        Assert.Equal("4500012345", metadata[OrderFields.PoNumber]);
        Assert.Equal("2026-12-03", metadata[OrderFields.OrderDate]);
        Assert.DoesNotContain("Anna Berg", metadata.Values);
        Assert.DoesNotContain("Müller Industriebedarf GmbH", metadata.Values);
    }

    [Theory]
    [InlineData("Purchase order PO-2026-0815 dated 03.12.2026", "PO-2026-0815")]
    [InlineData("Bestellung Nr. 4500012345 vom 03.12.2026", "4500012345")]
    [InlineData("Bon de commande n° BC-7731 du 03.12.2026", "BC-7731")]
    [InlineData("Inkooporder 77120 van 03.12.2026", "77120")]
    public void ATitleSentenceGivesThePoNumber(string title, string expected)
    {
        var book = new XlsxBuilder();
        book.Sheet("Order")
            .Row(1, title)
            .Row(3, "SKU", "Description", "Qty")
            .Row(4, "AB-100", "Bolt M6x20 zinc plated", 10);

        var metadata = ParserHarness.Parse(book).Metadata.ToDictionary(m => m.Key, m => m.Value);

        Assert.Equal(expected, metadata[OrderFields.PoNumber]);
    }
}
