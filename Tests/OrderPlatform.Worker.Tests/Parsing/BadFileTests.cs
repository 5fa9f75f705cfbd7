using System.IO.Compression;
using System.Text;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

public sealed class BadFileTests
{
    private static SpreadsheetException Fails(byte[] bytes, string fileName = "order.xlsx", ParserOptions? options = null) =>
        Assert.Throws<SpreadsheetException>(() => ParserHarness.Parse(bytes, fileName, options));

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                entry.Write(content);
            }
        }

        return stream.ToArray();
    }

    [Fact]
    public void ASharingLinkPageSavedAsXlsxIsRejectedAsALink()
    {
        var error = Fails(Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body>SharePoint</body></html>"));

        Assert.Equal(SpreadsheetError.SharingLinkPage, error.Error);
        Assert.Equal("This is a link, not the file. Please attach the workbook itself.", error.Message);
    }

    [Fact]
    public void ATextFileNamedXlsxIsNotASpreadsheet()
    {
        var error = Fails(Encoding.UTF8.GetBytes("hello, this is not excel"), "order.xlsx");

        Assert.Equal(SpreadsheetError.NotASpreadsheet, error.Error);
        Assert.Contains("order.xlsx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AZipThatIsNotAWorkbookIsRejected() =>
        Assert.Equal(SpreadsheetError.NotASpreadsheet, Fails(Zip(("word/document.xml", "<w/>"u8.ToArray()))).Error);

    [Fact]
    public void ABinaryXlsbWorkbookIsRejectedWithAClearMessage()
    {
        var error = Fails(Zip(("xl/workbook.bin", [1, 2, 3])), "order.xlsb");

        Assert.Equal(SpreadsheetError.UnsupportedFormat, error.Error);
        Assert.Contains(".xlsb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruncatedWorkbookIsReportedAsCorrupt()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book);
        var bytes = book.Build();

        Assert.Equal(SpreadsheetError.Corrupt, Fails(bytes[..(bytes.Length / 2)]).Error);
    }

    [Fact]
    public void AWorkbookWithBrokenXmlIsReportedAsCorrupt()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book);
        using var stream = new MemoryStream();
        stream.Write(book.Build());
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var sheet = zip.Entries.First(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal));
            var name = sheet.FullName;
            sheet.Delete();
            using var writer = zip.CreateEntry(name).Open();
            writer.Write("<worksheet><sheetData><row><c r=\"A1\""u8);
        }

        Assert.Equal(SpreadsheetError.Corrupt, Fails(stream.ToArray()).Error);
    }

    [Fact]
    public void APasswordProtectedWorkbookIsRejectedAsEncrypted()
    {
        // Excel writes an encrypted xlsx as an OLE compound file whose directory holds EncryptionInfo and
        // EncryptedPackage streams; the header and directory names are what the parser looks at.
        var bytes = new byte[4096];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(bytes, 0);
        Encoding.Unicode.GetBytes("EncryptionInfo").CopyTo(bytes, 1024);
        Encoding.Unicode.GetBytes("EncryptedPackage").CopyTo(bytes, 1152);

        var error = Fails(bytes);

        Assert.Equal(SpreadsheetError.Encrypted, error.Error);
        Assert.Contains("password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADamagedLegacyXlsIsReportedAsCorruptNotACrash()
    {
        var bytes = new byte[2048];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(bytes, 0);
        new Random(7).NextBytes(bytes.AsSpan(8));

        Assert.Equal(SpreadsheetError.Corrupt, Fails(bytes, "order.xls").Error);
    }

    [Fact]
    public void AZipBombIsRefusedBeforeAnyPartIsInflated()
    {
        var bomb = Zip(("[Content_Types].xml", "<Types/>"u8.ToArray()), ("xl/workbook.xml", "<workbook/>"u8.ToArray()),
            ("xl/worksheets/sheet1.xml", new byte[64 * 1024 * 1024]));

        var error = Fails(bomb);

        Assert.Equal(SpreadsheetError.ZipBomb, error.Error);
        Assert.True(bomb.Length < 1024 * 1024);
    }

    [Fact]
    public void AWorkbookWhosePartsAddUpToMoreThanTheUncompressedCapIsRefused()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book, lines: 200);

        var error = Fails(book.Build(), options: new ParserOptions { MaxUncompressedBytes = 16 * 1024 });

        Assert.Equal(SpreadsheetError.ZipBomb, error.Error);
    }

    [Fact]
    public void AFileOverTheSizeLimitIsRefused()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book, lines: 50);

        var error = Fails(book.Build(), options: new ParserOptions { MaxFileBytes = 1024 });

        Assert.Equal(SpreadsheetError.TooLarge, error.Error);
    }

    [Fact]
    public void ASheetOverTheRowLimitIsRefused()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book, lines: 400);

        var error = Fails(book.Build(), options: new ParserOptions { MaxDataRows = 100 });

        Assert.Equal(SpreadsheetError.TooManyRows, error.Error);
        Assert.Contains("100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWorkbookWithTooManySheetsIsRefused()
    {
        var book = new XlsxBuilder();
        for (var i = 0; i < 4; i++)
        {
            ParserHarness.GermanOrder(book, $"Sheet{i}");
        }

        Assert.Equal(SpreadsheetError.TooManySheets, Fails(book.Build(), options: new ParserOptions { MaxSheets = 3 }).Error);
    }

    [Fact]
    public void AnEmptyFileIsRefused() => Assert.Equal(SpreadsheetError.NoData, Fails([], "order.csv").Error);
}
