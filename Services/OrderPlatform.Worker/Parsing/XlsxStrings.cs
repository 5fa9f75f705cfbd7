using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;

namespace OrderPlatform.Worker.Parsing;

/// <summary>
/// The shared-string table, streamed: the Open XML DOM would hold every item as objects several times its size, so a
/// table of millions of strings is counted and refused while it is read instead of after it is loaded.
/// </summary>
internal static class XlsxStrings
{
    public static List<string> Read(WorkbookPart workbookPart, ParseLimits limits, XmlReaderSettings settings)
    {
        if (workbookPart.SharedStringTablePart is not { } part)
        {
            return [];
        }

        var options = limits.Options;
        var strings = new List<string>();
        long characters = 0;
        using var stream = part.GetStream(FileMode.Open, FileAccess.Read);
        using var xml = XmlReader.Create(stream, settings);
        while (xml.Read())
        {
            // Excel declares the table's size up front: an honest file that is too large is refused before reading it.
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "sst"
                && long.TryParse(xml.GetAttribute("uniqueCount"), out var declared) && declared > options.MaxSharedStrings)
            {
                throw TooMany($"{declared:N0} different texts");
            }

            if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "si")
            {
                continue;
            }

            if (strings.Count >= options.MaxSharedStrings)
            {
                throw TooMany($"more than {options.MaxSharedStrings:N0} different texts");
            }

            var text = ItemText(xml);
            characters += text.Length;
            if (characters > options.MaxSharedStringCharacters)
            {
                throw TooMany($"more than {options.MaxSharedStringCharacters:N0} characters of text");
            }

            strings.Add(text);
            if ((strings.Count & 4095) == 0)
            {
                limits.ThrowIfCancelled();
            }
        }

        return strings;
    }

    private static SpreadsheetException TooMany(string what) => new(SpreadsheetError.TooManyStrings,
        $"The workbook holds {what}, far more than an order; it was not read.");

    /// <summary>
    /// The text of the element the reader is on (an &lt;si&gt; or a cell's &lt;is&gt;): every &lt;t&gt;, directly or in
    /// runs, but not phonetic guides (&lt;rPh&gt;), which are not the text. Leaves the reader on the element's end.
    /// </summary>
    public static string ItemText(XmlReader xml)
    {
        if (xml.IsEmptyElement)
        {
            return "";
        }

        var depth = xml.Depth;
        string? single = null;
        StringBuilder? joined = null;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "rPh")
            {
                xml.Skip();
                continue;
            }

            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t")
            {
                // ReadElementContentAsString moves past </t> itself.
                var text = xml.ReadElementContentAsString();
                if (single is null && joined is null)
                {
                    single = text;
                }
                else
                {
                    (joined ??= new StringBuilder(single)).Append(text);
                }

                continue;
            }

            xml.Read();
        }

        return joined?.ToString() ?? single ?? "";
    }
}
