using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace OrderPlatform.AppHost.Tests.Dashboard;

/// <summary>
/// A real, minimal .xlsx (one sheet, inline strings) written with System.IO.Compression, in the shape of the Orders
/// tests' workbooks (metadata block, German header row, lines) — this project does not reference the Open XML SDK.
/// </summary>
internal static class MinimalXlsx
{
    public static byte[] Order(string customerNumber, string poNumber) => Build("Bestellung",
    [
        ["Kundennr.:", customerNumber],
        ["Bestellnr.:", poNumber],
        [],
        ["Pos.", "Art.-Nr.", "Bezeichnung", "Menge", "ME", "Preis"],
        [1, "4711-0032", "Schraube M6x20 verzinkt, DIN 933", 250, "Stk", 0.12m],
        [2, "AB 100", "Mutter M6 DIN 934", 400, "Stk", 0.05m],
    ]);

    public static byte[] Build(string sheetName, IReadOnlyList<object[]> rows)
    {
        var sheet = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        for (var r = 0; r < rows.Count; r++)
        {
            sheet.Append(CultureInfo.InvariantCulture, $"""<row r="{r + 1}">""");
            for (var c = 0; c < rows[r].Length; c++)
            {
                var reference = $"{(char)('A' + c)}{r + 1}";
                sheet.Append(rows[r][c] switch
                {
                    string text => $"""<c r="{reference}" t="inlineStr"><is><t>{SecurityElement.Escape(text)}</t></is></c>""",
                    var number => $"""<c r="{reference}"><v>{Convert.ToString(number, CultureInfo.InvariantCulture)}</v></c>""",
                });
            }
            sheet.Append("</row>");
        }
        sheet.Append("</sheetData></worksheet>");

        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
            Add(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Add(zip, "xl/workbook.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{SecurityElement.Escape(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Add(zip, "xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
            Add(zip, "xl/worksheets/sheet1.xml", sheet.ToString());
        }
        return stream.ToArray();
    }

    private static void Add(ZipArchive zip, string name, string xml)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(xml);
    }
}
