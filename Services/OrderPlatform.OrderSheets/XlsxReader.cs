using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using System.Xml;

namespace OrderPlatform.OrderSheets;

/// <summary>
/// Reads xlsx/xlsm with the Open XML SAX reader: cached formula values as stored (R13), merges (R6), tables (R2),
/// hidden sheets (R2) and the 1904 date system (R12). Macros are never touched.
/// </summary>
internal static class XlsxReader
{
    public static RawWorkbook Read(Stream stream, ParseLimits limits)
    {
        var options = limits.Options;
        GuardZip(stream, options);
        stream.Position = 0;
        try
        {
            // MaxCharactersInPart is the second line of the zip-bomb guard: sizes in the zip directory can lie.
            var settings = new OpenSettings { MaxCharactersInPart = options.MaxUncompressedBytes };
            using var document = SpreadsheetDocument.Open(stream, false, settings);
            var workbookPart = document.WorkbookPart
                ?? throw new SpreadsheetException(SpreadsheetError.NotASpreadsheet, "The file holds no workbook.");
            var date1904 = workbookPart.Workbook.WorkbookProperties?.Date1904?.Value == true;
            var dateStyles = DateStyles(workbookPart);
            var sheets = new List<RawSheet>();
            var declared = workbookPart.Workbook.Sheets?.Elements<Sheet>().ToList() ?? [];
            if (declared.Count > options.MaxSheets)
            {
                throw new SpreadsheetException(SpreadsheetError.TooManySheets,
                    $"The workbook has {declared.Count} sheets; at most {options.MaxSheets} are accepted.");
            }

            var strings = XlsxStrings.Read(workbookPart, limits, XmlSettings(options));

            foreach (var sheet in declared)
            {
                if (sheet.Id?.Value is not { } id || workbookPart.GetPartById(id) is not WorksheetPart part)
                {
                    continue;
                }

                var hidden = sheet.State?.Value is { } state
                    && (state == SheetStateValues.Hidden || state == SheetStateValues.VeryHidden);
                var raw = new RawSheet(sheet.Name?.Value ?? "", hidden, limits);
                ReadSheet(part, raw, strings, dateStyles, date1904);
                sheets.Add(raw);
            }

            AddNamedRanges(workbookPart, sheets);
            return new RawWorkbook("xlsx", sheets, null);
        }
        catch (XmlException ex) when (ex.Message.Contains("MaxCharactersInDocument", StringComparison.Ordinal))
        {
            throw new SpreadsheetException(SpreadsheetError.ZipBomb, "The workbook expands to more data than allowed.", ex);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or XmlException or FormatException)
        {
            throw new SpreadsheetException(SpreadsheetError.Corrupt, "The workbook is damaged and cannot be read.", ex);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("exceed", StringComparison.OrdinalIgnoreCase))
        {
            throw new SpreadsheetException(SpreadsheetError.ZipBomb, "The workbook expands to more data than allowed.", ex);
        }
    }

    private static void GuardZip(Stream stream, ParserOptions options)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            long total = 0;
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in zip.Entries)
            {
                names.Add(entry.FullName);
                total += entry.Length;
                var ratio = entry.CompressedLength > 0 ? entry.Length / entry.CompressedLength : entry.Length;
                if (total > options.MaxUncompressedBytes || (entry.Length > 1_000_000 && ratio > options.MaxCompressionRatio))
                {
                    throw new SpreadsheetException(SpreadsheetError.ZipBomb,
                        "The workbook expands to far more data than a real order; it was not opened.");
                }
            }

            if (names.Contains("xl/workbook.bin"))
            {
                throw new SpreadsheetException(SpreadsheetError.UnsupportedFormat,
                    "Binary workbooks (.xlsb) are not supported yet. Please save the file as .xlsx.");
            }

            if (!names.Contains("xl/workbook.xml") && !names.Any(n => n.EndsWith("/workbook.xml", StringComparison.OrdinalIgnoreCase)))
            {
                throw new SpreadsheetException(SpreadsheetError.NotASpreadsheet,
                    "The file is a zip archive but not an Excel workbook.");
            }
        }
        catch (InvalidDataException ex)
        {
            throw new SpreadsheetException(SpreadsheetError.Corrupt, "The workbook is damaged and cannot be read.", ex);
        }
    }

    /// <summary>Defined names like <c>'Order Lines'!$B$3:$F$40</c>; built-in (_xlnm.) and hidden names are skipped.</summary>
    private static void AddNamedRanges(WorkbookPart workbookPart, List<RawSheet> sheets)
    {
        foreach (var name in workbookPart.Workbook.DefinedNames?.Elements<DefinedName>() ?? [])
        {
            var text = name.Text?.Trim();
            var bang = text?.LastIndexOf('!') ?? -1;
            if (name.Hidden?.Value == true || name.Name?.Value?.StartsWith("_xlnm", StringComparison.Ordinal) != false
                || text is null || bang <= 0 || text.Contains(','))
            {
                continue;
            }

            var sheetName = text[..bang].Trim('\'').Replace("''", "'", StringComparison.Ordinal);
            if (sheets.FirstOrDefault(s => s.Name == sheetName) is { } sheet
                && CellReferences.TryParseRange(text[(bang + 1)..].Replace("$", "", StringComparison.Ordinal), out var range)
                && range.LastRow > range.FirstRow)
            {
                sheet.NamedRanges.Add(range);
            }
        }
    }

    private static XmlReaderSettings XmlSettings(ParserOptions options) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = options.MaxUncompressedBytes,

        // Whitespace between elements is layout only; texts that are spaces carry xml:space="preserve" and stay.
        IgnoreWhitespace = true,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private static HashSet<uint> DateStyles(WorkbookPart workbookPart)
    {
        var result = new HashSet<uint>();
        var stylesheet = workbookPart.WorkbookStylesPart?.Stylesheet;
        if (stylesheet?.CellFormats is null)
        {
            return result;
        }

        var custom = stylesheet.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode?.Value ?? "") ?? [];
        uint index = 0;
        foreach (var format in stylesheet.CellFormats.Elements<CellFormat>())
        {
            var id = format.NumberFormatId?.Value ?? 0;
            if (NumberFormats.IsDate(id, custom.GetValueOrDefault(id)))
            {
                result.Add(index);
            }

            index++;
        }

        return result;
    }

    private static void ReadSheet(WorksheetPart part, RawSheet raw, List<string> strings, HashSet<uint> dateStyles, bool date1904)
    {
        var limits = raw.Limits;
        foreach (var table in part.TableDefinitionParts)
        {
            if (table.Table?.Reference?.Value is { } reference)
            {
                var range = Range(raw, reference);
                limits.CheckRange(raw.Name, range);
                raw.Tables.Add(range);
            }
        }

        // Plain XmlReader over the part: the typed Open XML reader builds an object per element, which for a
        // 10,000-line order costs several times the parse itself.
        // Buffered in large reads: the XML reader asks for a few KB at a time, each one a call into the inflater.
        using var stream = new BufferedStream(part.GetStream(FileMode.Open, FileAccess.Read), 1 << 16);
        using var xml = XmlReader.Create(stream, XmlSettings(limits.Options));
        var currentRow = -1;
        var nextColumn = 0;
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (xml.LocalName)
            {
                case "row":
                    limits.ThrowIfCancelled();
                    currentRow = int.TryParse(xml.GetAttribute("r"), out var number) ? number - 1 : currentRow + 1;
                    nextColumn = 0;
                    break;
                case "c":
                    var cell = ReadCellElement(xml);
                    var (row, column) = cell.Reference is { } reference ? Position(raw, reference) : (currentRow, nextColumn);
                    nextColumn = column + 1;

                    // Bounds are checked on every cell that holds something (RawSheet.Set), whatever its <row> said;
                    // formatting-only cells far out carry nothing and cost nothing.
                    if (ToRaw(cell, strings, dateStyles, date1904) is { } value)
                    {
                        raw.Set(row, column, value);
                    }

                    break;
                case "mergeCell":
                    if (xml.GetAttribute("ref") is { } merge)
                    {
                        var range = Range(raw, merge);
                        limits.AddMerge(raw.Name, range);
                        raw.Merges.Add(range);
                    }

                    break;
            }
        }
    }

    private static (int Row, int Column) Position(RawSheet sheet, string reference) =>
        CellReferences.TryParse(reference, out var position) ? position : throw BadReference(sheet, reference);

    private static CellRange Range(RawSheet sheet, string reference) =>
        CellReferences.TryParseRange(reference, out var range) ? range : throw BadReference(sheet, reference);

    private static SpreadsheetException BadReference(RawSheet sheet, string reference) => new(SpreadsheetError.Corrupt,
        $"Sheet \"{sheet.Name}\" refers to a cell outside any Excel sheet ({(reference.Length > 24 ? reference[..24] + "…" : reference)}); the workbook is damaged.");

    /// <summary>The parts of a &lt;c&gt; element the parser needs.</summary>
    private readonly record struct CellElement(string? Reference, string? Type, uint? Style, string? Value, string? Inline, bool HasFormula);

    private static CellElement ReadCellElement(XmlReader xml)
    {
        var reference = xml.GetAttribute("r");
        var type = xml.GetAttribute("t");
        uint? style = uint.TryParse(xml.GetAttribute("s"), out var s) ? s : null;
        string? value = null;
        string? inline = null;
        var hasFormula = false;
        if (xml.IsEmptyElement)
        {
            return new CellElement(reference, type, style, null, null, false);
        }

        // Leaves the reader on </c>. ReadElementContentAsString already moves past its element, hence no Read() after it.
        var depth = xml.Depth;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType == XmlNodeType.Element)
            {
                switch (xml.LocalName)
                {
                    case "v":
                        value = xml.ReadElementContentAsString();
                        continue;
                    case "is":
                        inline = XlsxStrings.ItemText(xml);
                        break;
                    case "f":
                        hasFormula = true;
                        break;
                }
            }

            xml.Read();
        }

        return new CellElement(reference, type, style, value, inline, hasFormula);
    }

    private static RawCell? ToRaw(CellElement cell, List<string> strings, HashSet<uint> dateStyles, bool date1904)
    {
        var text = cell.Value;
        if (cell.Type == "inlineStr")
        {
            return new RawCell(RawKind.Text, cell.Inline ?? "", 0);
        }

        if (string.IsNullOrEmpty(text))
        {
            return cell.HasFormula ? new RawCell(RawKind.MissingFormulaValue, null, 0) : null;
        }

        switch (cell.Type)
        {
            case "s":
                return int.TryParse(text, out var index) && index >= 0 && index < strings.Count
                    ? new RawCell(RawKind.Text, strings[index], 0)
                    : new RawCell(RawKind.Error, "#STRING?", 0);
            case "e":
                return new RawCell(RawKind.Error, text, 0);
            case "b":
                return new RawCell(RawKind.Boolean, text == "1" ? "TRUE" : "FALSE", text == "1" ? 1 : 0);
            case "str" or "d":
                return new RawCell(RawKind.Text, text, 0);
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return new RawCell(RawKind.Text, text, 0);
        }

        if (cell.Style is { } style && dateStyles.Contains(style))
        {
            return new RawCell(RawKind.Date, null, date1904 ? number + DateText.Offset1904 : number);
        }

        return new RawCell(RawKind.Number, null, number);
    }
}
