using Microsoft.Extensions.Options;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

public sealed class CancellationTests
{
    private static byte[] LargeOrder()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book, lines: 5_000);
        return book.Build();
    }

    [Fact]
    public void ACancelledActivityStopsTheParseWithACancellationNotAnError()
    {
        var parser = new SpreadsheetParser(Options.Create(new ParserOptions()));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            parser.Parse(new MemoryStream(LargeOrder()), "order.xlsx", null, cancelled.Token));
    }

    [Fact]
    public void AParseOverItsDeadlineIsRefusedAsTooComplex()
    {
        var bytes = LargeOrder();
        var parser = new SpreadsheetParser(Options.Create(new ParserOptions { MaxParseTime = TimeSpan.FromTicks(1) }));

        var error = Assert.Throws<SpreadsheetException>(() => parser.Parse(new MemoryStream(bytes), "order.xlsx", null, CancellationToken.None));

        Assert.Equal(SpreadsheetError.TooComplex, error.Error);
        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALiveTokenLetsTheWholeSheetBeRead()
    {
        var parser = new SpreadsheetParser(Options.Create(new ParserOptions()));

        var sheet = parser.Parse(new MemoryStream(LargeOrder()), "order.xlsx", null, TestContext.Current.CancellationToken);

        Assert.Equal(5_000, sheet.Rows.Count);
        Assert.Equal("4711-4999", sheet.Rows[^1].Cells[1].Text);
    }
}
