using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;

namespace OrderPlatform.OrderSheets;

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
        using (var raw = part.GetStream(FileMode.Open, FileAccess.Read))
        {
            // A byte scan for item tags is many times faster than the XML reader, so a table of millions of strings is
            // refused after a glance at its first megabytes instead of after parsing them.
            if (CountItems(raw, options.MaxSharedStrings, limits) > options.MaxSharedStrings)
            {
                throw TooMany($"more than {options.MaxSharedStrings:N0} different texts");
            }
        }

        var strings = new List<string>();
        long characters = 0;
        using var stream = part.GetStream(FileMode.Open, FileAccess.Read);
        using var xml = XmlReader.Create(stream, settings);
        while (xml.Read())
        {
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

    /// <summary>
    /// Counts &lt;si&gt; start tags (with or without a namespace prefix) up to one past <paramref name="cap"/>. Text
    /// cannot hold a raw '&lt;', so every match is a tag; a tag split across two reads is seen through the carried tail.
    /// </summary>
    internal static long CountItems(Stream stream, long cap, ParseLimits limits)
    {
        var buffer = new byte[(1 << 16) + 64];
        var carry = 0;
        long count = 0;
        int read;
        while ((read = stream.Read(buffer, carry, buffer.Length - carry - 64)) > 0)
        {
            var length = carry + read;
            var span = buffer.AsSpan(0, length);
            var scanned = 0;
            for (var i = span.IndexOf((byte)'<'); i >= 0 && i + 16 < length; i = NextTag(span, i + 1))
            {
                count += IsItemTag(span[(i + 1)..]) ? 1 : 0;
                scanned = i + 1;
                if (count > cap)
                {
                    return count;
                }
            }

            // Keep the unscanned tail (at most a tag's start) for the next read.
            var tail = Math.Max(scanned, length - 16);
            carry = length - tail;
            span[tail..].CopyTo(buffer);
            limits.ThrowIfCancelled();
        }

        return count;
    }

    private static int NextTag(ReadOnlySpan<byte> span, int from)
    {
        var next = span[from..].IndexOf((byte)'<');
        return next < 0 ? -1 : from + next;
    }

    /// <summary>"si" then '&gt;', '/' or whitespace, optionally after a prefix such as "x:".</summary>
    private static bool IsItemTag(ReadOnlySpan<byte> name)
    {
        var colon = name[..Math.Min(name.Length, 12)].IndexOf((byte)':');
        if (colon >= 0 && name[..colon].IndexOfAny((byte)' ', (byte)'>', (byte)'/') < 0)
        {
            name = name[(colon + 1)..];
        }

        return name.Length >= 3 && name[0] == 's' && name[1] == 'i' && name[2] is (byte)'>' or (byte)'/' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
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
