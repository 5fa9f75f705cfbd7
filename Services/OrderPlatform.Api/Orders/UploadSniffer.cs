namespace OrderPlatform.Api.Orders;

/// <summary>
/// Decides the format from the first bytes, not the name (spreadsheet spec R1): ZIP is xlsx/xlsm, OLE is xls, an HTML
/// page is a sharing link, plain text named .csv is csv. Anything else is refused before it is stored.
/// </summary>
public static class UploadSniffer
{
    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] Ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <summary>The extension to store under, or null with the reason in words.</summary>
    public static (string? Extension, string? Problem) Sniff(ReadOnlySpan<byte> head, string fileName)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        if (head.StartsWith(Zip))
        {
            return (extension == "xlsm" ? "xlsm" : "xlsx", null);
        }

        if (head.StartsWith(Ole))
        {
            return ("xls", null);
        }

        var text = System.Text.Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "This is a link, not the file. Please attach the workbook itself.");
        }

        if (extension is "csv" or "txt" && head.Length > 0 && !head.Contains((byte)0))
        {
            return ("csv", null);
        }

        return (null, $"\"{Path.GetFileName(fileName)}\" is not a spreadsheet. Please send an .xlsx, .xls or .csv file.");
    }
}
