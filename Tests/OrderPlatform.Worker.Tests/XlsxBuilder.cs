using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using System.Globalization;

namespace OrderPlatform.Worker.Tests;

/// <summary>A formula cell: its expression and the value Excel cached next to it (null when never calculated).</summary>
public sealed record XFormula(string Expression, object? Cached);

/// <summary>An error value as Excel stores it (#REF!, #N/A, ...).</summary>
public sealed record XError(string Code);

/// <summary>A number shown with a date format; the serial is written as is, so 1904 workbooks can be built.</summary>
public sealed record XDateSerial(double Serial);

/// <summary>Writes real .xlsx files with the Open XML SDK: shared strings, date styles, merges, tables, hidden sheets.</summary>
public sealed class XlsxBuilder
{
    private readonly List<XSheet> _sheets = [];
    private readonly List<(string Name, string Reference)> _names = [];

    public bool Date1904 { get; set; }

    public XSheet Sheet(string name, SheetStateValues? state = null)
    {
        var sheet = new XSheet(name, state);
        _sheets.Add(sheet);
        return sheet;
    }

    public XlsxBuilder DefinedName(string name, string reference)
    {
        _names.Add((name, reference));
        return this;
    }

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            if (Date1904)
            {
                workbookPart.Workbook.AppendChild(new WorkbookProperties { Date1904 = true });
            }

            var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "dd.mm.yyyy" }) { Count = 1 },
                new Fonts(new Font()) { Count = 1 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None })) { Count = 1 },
                new Borders(new Border()) { Count = 1 },
                new CellFormats(
                    new CellFormat { NumberFormatId = 0 },
                    new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 2 });

            var strings = new List<string>();
            var sheets = workbookPart.Workbook.AppendChild(new Sheets());
            uint id = 1;
            foreach (var sheet in _sheets)
            {
                var part = workbookPart.AddNewPart<WorksheetPart>();
                part.Worksheet = sheet.ToWorksheet(strings);
                foreach (var (reference, index) in sheet.Tables.Select((t, i) => (t, i)))
                {
                    AddTable(part, reference, sheet, id * 10 + (uint)index);
                }

                var entry = new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = id++, Name = sheet.Name };
                if (sheet.State is { } state)
                {
                    entry.State = state;
                }

                sheets.Append(entry);
            }

            if (_names.Count > 0)
            {
                workbookPart.Workbook.AppendChild(new DefinedNames(_names.Select(n => new DefinedName(n.Reference) { Name = n.Name })));
            }

            var sharedStrings = workbookPart.AddNewPart<SharedStringTablePart>();
            sharedStrings.SharedStringTable = new SharedStringTable(strings.Select(s => new SharedStringItem(new Text(s) { Space = SpaceProcessingModeValues.Preserve })));
        }

        return stream.ToArray();
    }

    private static void AddTable(WorksheetPart part, string reference, XSheet sheet, uint id)
    {
        var tablePart = part.AddNewPart<TableDefinitionPart>();
        var first = reference.Split(':')[0];
        var firstRow = int.Parse(new string(first.Where(char.IsDigit).ToArray()), CultureInfo.InvariantCulture);
        var headers = sheet.RowValues(firstRow).Select(v => v?.ToString() ?? "").ToList();
        tablePart.Table = new Table(
            new AutoFilter { Reference = reference },
            new TableColumns(headers.Select((h, i) => new TableColumn { Id = (uint)(i + 1), Name = h.Length > 0 ? h : $"Column{i + 1}" }))
            { Count = (uint)headers.Count })
        { Id = id, Name = $"Table{id}", DisplayName = $"Table{id}", Reference = reference, HeaderRowCount = 1 };
        part.Worksheet.Append(new TableParts(new TablePart { Id = part.GetIdOfPart(tablePart) }) { Count = 1 });
    }
}

public sealed class XSheet(string name, SheetStateValues? state) : Parsing.ITestSheet<XSheet>
{
    private readonly SortedDictionary<int, (int Start, object?[] Values)> _rows = [];
    private readonly List<string> _merges = [];

    public string Name { get; } = name;

    public SheetStateValues? State { get; } = state;

    public List<string> Tables { get; } = [];

    /// <summary>Writes <paramref name="values"/> into row <paramref name="number"/> (1-based), from column A.</summary>
    public XSheet Row(int number, params object?[] values) => RowFrom(number, 0, values);

    public XSheet RowFrom(int number, int firstColumn, params object?[] values)
    {
        _rows[number] = (firstColumn, values);
        return this;
    }

    public XSheet Merge(string reference)
    {
        _merges.Add(reference);
        return this;
    }

    public XSheet Table(string reference)
    {
        Tables.Add(reference);
        return this;
    }

    internal object?[] RowValues(int number) => _rows.TryGetValue(number, out var row) ? row.Values : [];

    internal Worksheet ToWorksheet(List<string> strings)
    {
        var data = new SheetData();
        foreach (var (number, (start, values)) in _rows)
        {
            var row = new Row { RowIndex = (uint)number };
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is { } value)
                {
                    row.Append(ToCell(value, $"{Letter(start + i)}{number}", strings));
                }
            }

            data.Append(row);
        }

        var worksheet = new Worksheet(data);
        if (_merges.Count > 0)
        {
            worksheet.Append(new MergeCells(_merges.Select(m => new MergeCell { Reference = m })) { Count = (uint)_merges.Count });
        }

        return worksheet;
    }

    private static Cell ToCell(object value, string reference, List<string> strings)
    {
        var cell = new Cell { CellReference = reference };
        switch (value)
        {
            case string s:
                strings.Add(s);
                cell.DataType = CellValues.SharedString;
                cell.CellValue = new CellValue((strings.Count - 1).ToString(CultureInfo.InvariantCulture));
                break;
            case DateOnly d:
                cell.StyleIndex = 1;
                cell.CellValue = new CellValue(d.ToDateTime(TimeOnly.MinValue).ToOADate().ToString(CultureInfo.InvariantCulture));
                break;
            case XDateSerial serial:
                cell.StyleIndex = 1;
                cell.CellValue = new CellValue(serial.Serial.ToString(CultureInfo.InvariantCulture));
                break;
            case XError error:
                cell.DataType = CellValues.Error;
                cell.CellValue = new CellValue(error.Code);
                break;
            case XFormula formula:
                cell.CellFormula = new CellFormula(formula.Expression);
                if (formula.Cached is XError cachedError)
                {
                    cell.DataType = CellValues.Error;
                    cell.CellValue = new CellValue(cachedError.Code);
                }
                else if (formula.Cached is string text)
                {
                    cell.DataType = CellValues.String;
                    cell.CellValue = new CellValue(text);
                }
                else if (formula.Cached is not null)
                {
                    cell.CellValue = new CellValue(Convert.ToString(formula.Cached, CultureInfo.InvariantCulture)!);
                }

                break;
            default:
                cell.CellValue = new CellValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
        }

        return cell;
    }

    private static string Letter(int column) => column < 26 ? ((char)('A' + column)).ToString() : $"{(char)('A' + (column / 26) - 1)}{(char)('A' + (column % 26))}";
}
