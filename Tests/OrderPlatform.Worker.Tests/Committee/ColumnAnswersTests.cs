using OrderPlatform.Worker.Committee;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Tests.Parsing;

namespace OrderPlatform.Worker.Tests.Committee;

/// <summary>How a person's answer to "which column is the quantity?" is read, and what it does to the column map.</summary>
public sealed class ColumnAnswersTests
{
    /// <summary>Two columns of small whole numbers under headers no synonym knows: the stock first, the quantity second.</summary>
    private static XlsxBuilder Book(string customer = "C-42")
    {
        var book = new XlsxBuilder();
        var sheet = book.Sheet("Bestellung").Row(1, "Kundennr.:", customer)
            .Row(3, "Teil", "Text", "Feld 1", "Feld 2", "Betrag");
        for (var i = 0; i < 4; i++)
        {
            sheet.Row(4 + i, $"AB-{100 + i}", $"Kabelbinder schwarz {100 + i} mm", 7 + (i * 5), 40 * (i + 1), 0.25m + i);
        }

        return book;
    }

    [Theory]
    [InlineData("D")]
    [InlineData("d")]
    [InlineData(" D ")]
    [InlineData("D: Feld 2")]
    [InlineData("Feld 2")]
    [InlineData("FELD-2")]
    [InlineData("D (Feld 2)")]
    public void AnAnswerNamesAColumnByLetterCardChoiceOrHeaderText(string answer)
    {
        var sheet = ParserHarness.Parse(Book());

        Assert.Equal("D", ColumnAnswers.Find(sheet, answer)?.Letter);
    }

    [Theory]
    [InlineData("Lieferdatum")]
    [InlineData("Z")]
    [InlineData("")]
    [InlineData("40")]
    public void AnAnswerThatNamesNoColumnIsNotGuessed(string answer)
    {
        var sheet = ParserHarness.Parse(Book());

        Assert.Null(ColumnAnswers.Find(sheet, answer));
    }

    [Fact]
    public void MovingAFieldToAColumnTakesThatColumnFromTheFieldThatHeldItAndKeepsUnreadAnswersApart()
    {
        var sheet = ParserHarness.Parse(Book());
        var map = new Dictionary<string, string> { [OrderFields.Code] = "A", [OrderFields.Quantity] = "C", [OrderFields.Price] = "D" };

        var (corrected, unresolved) = ColumnAnswers.Apply(sheet, map,
            new Dictionary<string, string> { [OrderFields.Quantity] = "Feld 2", [OrderFields.Unit] = "Einheit", [OrderFields.PoNumber] = "PO-1" });

        Assert.Equal(new Dictionary<string, string> { [OrderFields.Code] = "A", [OrderFields.Quantity] = "D" }, corrected);
        Assert.Equal(new Dictionary<string, string> { [OrderFields.Unit] = "Einheit" }, unresolved);
        Assert.Equal(["A: Teil", "B: Text", "C: Feld 1", "D: Feld 2", "E: Betrag"], ColumnAnswers.Choices(sheet));
        Assert.Equal("feld 2", ColumnAnswers.Headers(sheet, corrected)[OrderFields.Quantity]);
    }

    [Fact]
    public async Task TheCommitteeCannotTellTheTwoNumberColumnsApartButAConfirmedCorrectionSettlesTheNextFile()
    {
        var first = await CommitteeHarness.RunAsync(Book());
        Assert.Equal("C", first.ColumnMap[OrderFields.Quantity]);
        Assert.True(first.Field(OrderFields.Quantity).Confidence < 0.7);

        var history = new InMemoryMappingHistory();
        var corrected = new Dictionary<string, string>(first.ColumnMap) { [OrderFields.Quantity] = "D" };
        await history.SaveConfirmedAsync(HistoryMember.Confirmed("C-42", ParserHarness.Parse(Book()), corrected, null, DateTimeOffset.UtcNow),
            TestContext.Current.CancellationToken);

        var next = await CommitteeHarness.RunAsync(Book(), history: history);

        Assert.Equal("D", next.ColumnMap[OrderFields.Quantity]);
        Assert.True(next.Field(OrderFields.Quantity).Confidence >= 0.7, $"quantity only {next.Field(OrderFields.Quantity).Confidence}");
        Assert.Equal([40m, 80m, 120m, 160m], next.Order.Lines.Select(l => l.Quantity));
        // The content member still sees the stock column as a quantity; its dissent is listed, not silenced.
        Assert.Contains(next.Disagreements, d => d.StartsWith("quantity:", StringComparison.Ordinal));
    }
}
