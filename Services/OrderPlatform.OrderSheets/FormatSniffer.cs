using System.Text;

namespace OrderPlatform.OrderSheets;

internal enum SniffedFormat
{
    Zip,
    Ole,
    Csv,
}

/// <summary>Decides the format from the bytes, not the name (spec R1): a renamed or linked file is caught here.</summary>
internal static class FormatSniffer
{
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] OleMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public static SniffedFormat Sniff(ReadOnlySpan<byte> head, string fileName)
    {
        if (head.StartsWith(ZipMagic))
        {
            return SniffedFormat.Zip;
        }

        if (head.StartsWith(OleMagic))
        {
            return SniffedFormat.Ole;
        }

        if (LooksLikeHtml(head))
        {
            throw new SpreadsheetException(SpreadsheetError.SharingLinkPage,
                "This is a link, not the file. Please attach the workbook itself.");
        }

        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (extension is ".csv" or ".txt" && !head.Contains((byte)0))
        {
            return SniffedFormat.Csv;
        }

        throw new SpreadsheetException(SpreadsheetError.NotASpreadsheet,
            $"\"{Path.GetFileName(fileName)}\" is not a spreadsheet. Please send an .xlsx, .xls or .csv file.");
    }

    /// <summary>An encrypted xlsx is an OLE file whose directory names the EncryptedPackage stream.</summary>
    public static bool IsEncryptedOoxml(ReadOnlySpan<byte> content) =>
        content.IndexOf(Encoding.Unicode.GetBytes("EncryptedPackage")) >= 0;

    private static bool LooksLikeHtml(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head[..Math.Min(head.Length, 512)]).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        return text.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && text.Contains("<html", StringComparison.OrdinalIgnoreCase);
    }
}
