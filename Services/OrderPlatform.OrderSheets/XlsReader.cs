using System.Text;
using ExcelDataReader;
using ExcelDataReader.Exceptions;

namespace OrderPlatform.OrderSheets;

/// <summary>Reads legacy .xls with ExcelDataReader, which hands over cached formula values and converts dates.</summary>
internal static class XlsReader
{
    static XlsReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static RawWorkbook Read(Stream stream, ParseLimits limits)
    {
        var options = limits.Options;
        try
        {
            using var reader = ExcelReaderFactory.CreateBinaryReader(stream);
            if (reader.ResultsCount > options.MaxSheets)
            {
                throw new SpreadsheetException(SpreadsheetError.TooManySheets,
                    $"The workbook has {reader.ResultsCount} sheets; at most {options.MaxSheets} are accepted.");
            }

            var sheets = new List<RawSheet>();
            do
            {
                var hidden = reader.VisibleState is "hidden" or "veryhidden";
                var sheet = new RawSheet(reader.Name ?? "", hidden, limits);
                var row = 0;
                while (reader.Read())
                {
                    limits.ThrowIfCancelled();
                    for (var column = 0; column < reader.FieldCount; column++)
                    {
                        if (ToRaw(reader.GetValue(column)) is { } cell)
                        {
                            sheet.Set(row, column, cell);
                        }
                    }

                    row++;
                }

                foreach (var merge in reader.MergeCells ?? [])
                {
                    var range = new CellRange(merge.FromRow, merge.FromColumn, merge.ToRow, merge.ToColumn);
                    limits.AddMerge(sheet.Name, range);
                    sheet.Merges.Add(range);
                }

                sheets.Add(sheet);
            }
            while (reader.NextResult());

            return new RawWorkbook("xls", sheets, null);
        }
        catch (InvalidPasswordException ex)
        {
            throw new SpreadsheetException(SpreadsheetError.Encrypted,
                "The workbook is password protected. Please remove the password and send it again.", ex);
        }
        catch (Exception ex) when (ex is HeaderException or ExcelReaderException or InvalidDataException or NotSupportedException
            or ArgumentOutOfRangeException or EndOfStreamException or IndexOutOfRangeException)
        {
            throw new SpreadsheetException(SpreadsheetError.Corrupt, "The .xls workbook is damaged and cannot be read.", ex);
        }
    }

    private static RawCell? ToRaw(object? value) => value switch
    {
        null => null,
        string s => new RawCell(RawKind.Text, s, 0),
        double d => new RawCell(RawKind.Number, null, d),
        int i => new RawCell(RawKind.Number, null, i),
        bool b => new RawCell(RawKind.Boolean, b ? "TRUE" : "FALSE", b ? 1 : 0),
        DateTime dt => new RawCell(RawKind.Date, null, dt.ToOADate()),
        _ => new RawCell(RawKind.Text, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), 0),
    };
}
