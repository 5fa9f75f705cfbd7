using System.IO.Compression;
using System.Text;

namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>
/// Writes a minimal .xlsx straight into a zip stream, part by part, so hostile workbooks (millions of strings, a cell
/// in every row at XFD) are built in the test without a DOM and without checked-in binaries.
/// </summary>
internal static class HostileXlsx
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// <param name="sheetData">Writes the rows inside &lt;sheetData&gt;.</param>
    /// <param name="afterSheetData">Writes elements after it, such as &lt;mergeCells&gt;.</param>
    /// <param name="sharedStrings">Writes the &lt;si&gt; items of a shared-string table; none when null.</param>
    /// <param name="sharedStringCount">The uniqueCount the table declares; none when null.</param>
    public static byte[] Build(Action<TextWriter> sheetData, Action<TextWriter>? afterSheetData = null, Action<TextWriter>? sharedStrings = null,
        int? sharedStringCount = null)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", w => w.Write(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
                + "</Types>"));
            Write(zip, "_rels/.rels", w => w.Write(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + $"<Relationship Id=\"rId1\" Type=\"{Rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"));
            Write(zip, "xl/workbook.xml", w => w.Write(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{Main}\" xmlns:r=\"{Rel}\">"
                + "<sheets><sheet name=\"Order\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"));
            Write(zip, "xl/_rels/workbook.xml.rels", w => w.Write(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + $"<Relationship Id=\"rId1\" Type=\"{Rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                + (sharedStrings is null ? "" : $"<Relationship Id=\"rId2\" Type=\"{Rel}/sharedStrings\" Target=\"sharedStrings.xml\"/>")
                + "</Relationships>"));
            Write(zip, "xl/worksheets/sheet1.xml", w =>
            {
                w.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{Main}\"><sheetData>");
                sheetData(w);
                w.Write("</sheetData>");
                afterSheetData?.Invoke(w);
                w.Write("</worksheet>");
            });
            if (sharedStrings is not null)
            {
                Write(zip, "xl/sharedStrings.xml", w =>
                {
                    var count = sharedStringCount is { } n ? $" count=\"{n}\" uniqueCount=\"{n}\"" : "";
                    w.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"{Main}\"{count}>");
                    sharedStrings(w);
                    w.Write("</sst>");
                });
            }
        }

        return stream.ToArray();
    }

    /// <summary>A small valid order table in rows 1 to 3, so only the hostile part can be the reason for a refusal.</summary>
    public static void OrderRows(TextWriter w) => w.Write(
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>SKU</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>Qty</t></is></c></row>"
        + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>AB-100</t></is></c><c r=\"B2\"><v>5</v></c></row>"
        + "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>AB-200</t></is></c><c r=\"B3\"><v>7</v></c></row>");

    private static void Write(ZipArchive zip, string name, Action<TextWriter> content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open(), new UTF8Encoding(false), 1 << 16);
        content(writer);
    }
}
