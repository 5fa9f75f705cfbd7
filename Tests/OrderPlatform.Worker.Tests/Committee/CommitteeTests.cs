using OrderPlatform.Worker.Committee;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Tests.Parsing;

namespace OrderPlatform.Worker.Tests.Committee;

public sealed class CommitteeTests
{
    [Fact]
    public async Task AGermanOrderWithClearHeadersBecomesAConfidentCanonicalOrder()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book, lines: 5);

        var review = await CommitteeHarness.RunAsync(book);

        Assert.False(review.NeedsReview, string.Join("; ", review.Notes.Select(n => n.Text).Concat(review.Disagreements)));
        Assert.Equal("10234", review.Order.Customer);
        Assert.Equal("PO-2026-118", review.Order.PoNumber);
        Assert.Equal(new DateOnly(2026, 3, 15), review.Order.DeliveryDate);
        Assert.Equal(5, review.Order.Lines.Count);
        var first = review.Order.Lines[0];
        Assert.Equal((9, "4711-0000", 10m, "Stk", 0.25m), (first.RowNumber, first.Sku, first.Quantity!.Value, first.Unit, first.UnitPrice!.Value));
        Assert.True(review.Field(OrderFields.Quantity).Confidence >= 0.7);
        Assert.Equal(["content-profile", "header-synonyms"], review.Field(OrderFields.Quantity).Supporters.Order());
        Assert.Equal("B", review.ColumnMap[OrderFields.Code]);
    }

    [Fact]
    public async Task AFrenchOrderWithEansMapsEveryColumnAndPadsLostLeadingZeros()
    {
        var book = new XlsxBuilder();
        book.Sheet("Commande")
            .Row(1, "N° de commande", "CMD-5531").Row(2, "Client", "Quincaillerie Dupont")
            .Row(4, "Référence", "Code EAN", "Désignation", "Qté", "Prix unitaire")
            .Row(5, "VB-440", 36000291452d, "Vis à bois tête fraisée 4x40", 200, "0,08")
            .Row(6, "VB-450", 4006381333931d, "Vis à bois tête fraisée 4x50", 150, "0,09");

        var review = await CommitteeHarness.RunAsync(book);

        Assert.Equal("CMD-5531", review.Order.PoNumber);
        Assert.Equal("Quincaillerie Dupont", review.Order.Customer);
        Assert.Equal(["0036000291452", "4006381333931"], review.Order.Lines.Select(l => l.Ean));
        Assert.Equal([0.08m, 0.09m], review.Order.Lines.Select(l => l.UnitPrice));
        Assert.Equal("B (Code EAN)", review.Field(OrderFields.Ean).Value);
    }

    [Fact]
    public async Task ASheetWithoutHeadersIsMappedByContentAlone()
    {
        var book = new XlsxBuilder();
        var sheet = book.Sheet("Tabelle1");
        string[] names = ["Schraube M6x20 verzinkt", "Mutter M6 DIN 934", "Scheibe 6,4 verzinkt", "Dübel 8x40 Nylon"];
        for (var i = 0; i < names.Length; i++)
        {
            sheet.Row(1 + i, $"4711-{i * 13:0000}", names[i], (i + 1) * 10, 0.15 + (i * 0.1), "Stk");
        }

        var review = await CommitteeHarness.RunAsync(book);

        Assert.Equal("A", review.ColumnMap[OrderFields.Code]);
        Assert.Equal("B", review.ColumnMap[OrderFields.Description]);
        Assert.Equal("C", review.ColumnMap[OrderFields.Quantity]);
        Assert.Equal("D", review.ColumnMap[OrderFields.Price]);
        Assert.Equal("E", review.ColumnMap[OrderFields.Unit]);
        Assert.Equal([10m, 20m, 30m, 40m], review.Order.Lines.Select(l => l.Quantity));
        Assert.Equal(["content-profile"], review.Field(OrderFields.Quantity).Supporters);
    }

    [Fact]
    public async Task TwoColumnsOfWholeNumbersWithoutHeadersAreSentToAHuman()
    {
        var book = new XlsxBuilder();
        var sheet = book.Sheet("Sheet1");
        for (var i = 0; i < 6; i++)
        {
            sheet.Row(1 + i, $"AB-{100 + i}", $"Kabelbinder schwarz {100 + i} mm", 5 + i, 20 + i);
        }

        var review = await CommitteeHarness.RunAsync(book);

        Assert.True(review.NeedsReview);
        Assert.True(review.Field(OrderFields.Quantity).Confidence < 0.7);
    }

    [Fact]
    public async Task MembersThatDisagreeAreListedAndLowerTheConfidence()
    {
        // The header says "Menge" is column C, but its content is long text; the numbers sit under "Anmerkung".
        var book = new XlsxBuilder();
        book.Sheet("Bestellung").Row(1, "Art.-Nr.", "Bezeichnung", "Menge", "Anmerkung")
            .Row(2, "4711-0032", "Schraube M6", "zehn Stück bitte", 10)
            .Row(3, "4711-0045", "Schraube M8", "fünf Stück bitte", 5);

        var review = await CommitteeHarness.RunAsync(book);

        Assert.Contains(review.Disagreements, d => d.StartsWith("quantity:", StringComparison.Ordinal));
        Assert.True(review.Field(OrderFields.Quantity).Confidence < 0.7);
        Assert.True(review.NeedsReview);
    }

    [Fact]
    public async Task DuplicateCodesAndLinesWithoutQuantityAreNotedNeverMergedOrDropped()
    {
        var book = new XlsxBuilder();
        var sheet = book.Sheet("Bestellung").Row(11, "Art.-Nr.", "Bezeichnung", "Menge", "ME");
        sheet.Row(12, "4711-0032", "Schraube M6", 10, "Stk").Row(13, "4711-0099", "Schraube M12", null, "Stk")
            .Row(14, "4711-0032", "Schraube M6", 5, "Stk").Row(15, "4711-0050", "Kette", 2.5, "Stk");

        var review = await CommitteeHarness.RunAsync(book);

        Assert.Equal(4, review.Order.Lines.Count);
        Assert.Contains(review.Notes, n => n.Text == "4711-0032 appears twice (10 + 5). Merge?");
        Assert.Contains(review.Notes, n => n.RowNumber == 13 && n.Text.Contains("no quantity", StringComparison.Ordinal));
        Assert.Contains(review.Notes, n => n.RowNumber == 15 && n.Text.Contains("fractional", StringComparison.Ordinal));
        Assert.True(review.NeedsReview);
    }

    [Fact]
    public async Task AMappingAHumanConfirmedIsReusedForTheSameCustomersNextFile()
    {
        // Headers no synonym knows: only the history can map them.
        static XlsxBuilder File(int seed)
        {
            var book = new XlsxBuilder();
            book.Sheet("Order").Row(1, "Customer no", "C-77")
                .Row(3, "Teil", "Text", "Anz", "Bemerkung")
                .Row(4, $"X{seed}", "Bolt", 3, "none").Row(5, $"Y{seed}", "Nut", 4, "none");
            return book;
        }

        var history = new InMemoryMappingHistory();
        var first = ParserHarness.Parse(File(1));
        var confirmed = new Dictionary<string, string> { [OrderFields.Code] = "A", [OrderFields.Description] = "B", [OrderFields.Quantity] = "C" };
        await history.SaveConfirmedAsync(HistoryMember.Confirmed("C-77", first, confirmed, "dmy", DateTimeOffset.UtcNow),
            TestContext.Current.CancellationToken);

        var review = await CommitteeHarness.RunAsync(File(2), history: history);

        Assert.Equal("C-77", review.Order.Customer);
        Assert.Contains("history", review.Field(OrderFields.Quantity).Supporters);
        Assert.Equal(["X2", "Y2"], review.Order.Lines.Select(l => l.Sku));
        Assert.Equal([3m, 4m], review.Order.Lines.Select(l => l.Quantity));
    }

    [Fact]
    public async Task AnotherCustomersHistoryIsNotUsed()
    {
        var history = new InMemoryMappingHistory();
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book);
        var sheet = ParserHarness.Parse(book);
        await history.SaveConfirmedAsync(HistoryMember.Confirmed("99999", sheet, new Dictionary<string, string> { [OrderFields.Quantity] = "F" }, null,
            DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);

        var review = await CommitteeHarness.RunAsync(sheet, history: history);

        Assert.Equal("D", review.ColumnMap[OrderFields.Quantity]);
        Assert.DoesNotContain("history", review.Fields.SelectMany(f => f.Supporters));
    }
}
