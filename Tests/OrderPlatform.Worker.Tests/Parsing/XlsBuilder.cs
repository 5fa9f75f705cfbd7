using NPOI.HSSF.Record;
using NPOI.HSSF.UserModel;
using NPOI.SS.UserModel;
using NPOI.SS.Util;

namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>
/// Writes real legacy .xls files (BIFF8 in an OLE compound file) with NPOI's HSSF writer, the counterpart of
/// <see cref="XlsxBuilder"/>: strings, numbers, date-formatted serials in the 1900 or 1904 system, merges, hidden sheets.
/// </summary>
public sealed class XlsBuilder
{
    private readonly List<XlsSheet> _sheets = [];

    /// <summary>Writes the workbook's DATEMODE record as 1904, so serials count days from 1 Jan 1904.</summary>
    public bool Date1904 { get; set; }

    public XlsSheet Sheet(string name, bool hidden = false)
    {
        var sheet = new XlsSheet(name, hidden);
        _sheets.Add(sheet);
        return sheet;
    }

    public byte[] Build()
    {
        var workbook = new HSSFWorkbook();
        if (Date1904)
        {
            // HSSF has no workbook-level switch for the date system; the DATEMODE record it always writes carries it.
            ((DateWindow1904Record)workbook.Workbook.FindFirstRecordBySid(DateWindow1904Record.sid)).Windowing = 1;
        }

        var dateStyle = workbook.CreateCellStyle();
        dateStyle.DataFormat = workbook.CreateDataFormat().GetFormat("dd.mm.yyyy");
        foreach (var sheet in _sheets)
        {
            var written = workbook.CreateSheet(sheet.Name);
            sheet.WriteTo(written, dateStyle, Date1904);
            if (sheet.Hidden)
            {
                workbook.SetSheetHidden(workbook.GetSheetIndex(written), SheetState.Hidden);
            }
        }

        using var stream = new MemoryStream();
        workbook.Write(stream);
        return stream.ToArray();
    }
}

public sealed class XlsSheet(string name, bool hidden) : ITestSheet<XlsSheet>
{
    private readonly SortedDictionary<int, (int Start, object?[] Values)> _rows = [];
    private readonly List<string> _merges = [];

    public string Name { get; } = name;

    public bool Hidden { get; } = hidden;

    /// <summary>Writes <paramref name="values"/> into row <paramref name="number"/> (1-based), from column A.</summary>
    public XlsSheet Row(int number, params object?[] values) => RowFrom(number, 0, values);

    public XlsSheet RowFrom(int number, int firstColumn, params object?[] values)
    {
        _rows[number] = (firstColumn, values);
        return this;
    }

    public XlsSheet Merge(string reference)
    {
        _merges.Add(reference);
        return this;
    }

    internal void WriteTo(ISheet sheet, ICellStyle dateStyle, bool date1904)
    {
        foreach (var (number, (start, values)) in _rows)
        {
            var row = sheet.CreateRow(number - 1);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is { } value)
                {
                    Write(row.CreateCell(start + i), value, dateStyle, date1904);
                }
            }
        }

        foreach (var merge in _merges)
        {
            sheet.AddMergedRegion(CellRangeAddress.ValueOf(merge));
        }
    }

    private static void Write(ICell cell, object value, ICellStyle dateStyle, bool date1904)
    {
        switch (value)
        {
            case string s:
                cell.SetCellValue(s);
                break;
            case DateOnly d:
                // Serials count from 30 Dec 1899 in the 1900 system and 1462 days later in the 1904 one.
                cell.SetCellValue(d.ToDateTime(TimeOnly.MinValue).ToOADate() - (date1904 ? 1462 : 0));
                cell.CellStyle = dateStyle;
                break;
            case XDateSerial serial:
                cell.SetCellValue(serial.Serial);
                cell.CellStyle = dateStyle;
                break;
            case bool b:
                cell.SetCellValue(b);
                break;
            default:
                cell.SetCellValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
