using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using System.Globalization;

namespace OrderPlatform.Orders.Tests;

/// <summary>Real .xlsx order files written with the Open XML SDK: a metadata block, a German header row and the lines.</summary>
public static class Workbooks
{
    public sealed record Line(string Sku, string Description, decimal Quantity, string Unit, decimal Price);

    /// <summary>Lines whose codes are all in <see cref="TestCatalog"/>.</summary>
    public static readonly Line[] KnownLines =
    [
        new("4711-0032", "Schraube M6x20 verzinkt, DIN 933", 250, "Stk", 0.12m),
        new("AB 100", "Mutter M6 DIN 934", 400, "Stk", 0.05m),
        new("KAB-3X1.5", "Kabel NYM-J 3x1,5 mm²", 50, "m", 0.89m),
        new("4711-0045", "Schraube M8x30 verzinkt, DIN 933", 120, "Stk", 0.21m),
    ];

    public static byte[] Order(string customerNumber, string poNumber, params Line[] lines)
    {
        List<object?[]> rows =
        [
            ["Kundennr.:", customerNumber],
            ["Bestellnr.:", poNumber],
            [],
            ["Pos.", "Art.-Nr.", "Bezeichnung", "Menge", "ME", "Preis"],
        ];
        rows.AddRange(lines.Select((l, i) => new object?[] { i + 1, l.Sku, l.Description, l.Quantity, l.Unit, l.Price }));
        return Build("Bestellung", rows);
    }

    public static byte[] Build(string sheetName, IReadOnlyList<object?[]> rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            for (var r = 0; r < rows.Count; r++)
            {
                var row = new Row { RowIndex = (uint)(r + 1) };
                for (var c = 0; c < rows[r].Length; c++)
                {
                    var reference = $"{(char)('A' + c)}{r + 1}";
                    row.Append(rows[r][c] switch
                    {
                        null => new Cell { CellReference = reference },
                        string text => new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) },
                        var number => new Cell
                        {
                            CellReference = reference,
                            CellValue = new CellValue(Convert.ToString(number, CultureInfo.InvariantCulture)!),
                        },
                    });
                }

                data.Append(row);
            }

            worksheetPart.Worksheet = new Worksheet(data);
            workbookPart.Workbook.AppendChild(new Sheets(new Sheet { Id = workbookPart.GetIdOfPart(worksheetPart), SheetId = 1, Name = sheetName }));
        }

        return stream.ToArray();
    }
}
