using System.Diagnostics;
using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using ExcelDataReader;
using Microsoft.Extensions.Options;
using OrderPlatform.OrderSheets;

// Parse of a generated 10,000-line order with our parser next to a raw ExcelDataReader pass over the same file.
// The ratio is the price of everything the parser adds: sheet choice, header detection, unmerge, per-column numbers.
// Then upload→draft latency through the Api and Worker (UploadBench); "resolve" runs ResolveBench alone.
const int Lines = 10_000;

// ExcelDataReader needs the code-pages provider even for xlsx (spec R1).
System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
const int Runs = 21;

if (args is ["csv"])
{
    CsvBench.Run(Lines, Runs);
    return;
}

// "resolve [items] [lines] [rounds]": the catalogue lookup of description-only lines, per line next to batched (Postgres only).
if (args is ["resolve", ..])
{
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
    await ResolveBench.RunAsync(Arg(1, 20_000), Arg(2, 400), Arg(3, 3));
    return;
}

var bytes = Generate(Lines);
Console.WriteLine($"Workbook: {Lines:N0} lines, {bytes.Length / 1024.0:N0} KiB, {Runs} runs each after one warm-up");

var parser = new SpreadsheetParser(Options.Create(new ParserOptions()));
var parsed = parser.Parse(new MemoryStream(bytes), "order.xlsx");
var last = parsed.Rows[^1];
if (parsed.Rows.Count != Lines || last.Cells[1].Text != $"4711-{Lines - 1:00000}" || last.Cells[2].Text != "4006381333931"
    || last.Cells[4].Number != 1 + ((Lines - 1) % 50))
{
    throw new InvalidOperationException($"The parser misread the generated order ({parsed.Rows.Count} lines).");
}

// Parsed sheets travel between workflow activities, where Temporal refuses payloads over 2 MB.
Console.WriteLine($"ParsedSheet as JSON  : {System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(parsed).Length / 1024.0 / 1024.0:N1} MB for {Lines:N0} lines");

// Interleaved so both readers see the same machine load; min is the least disturbed run.
var (ours, raw) = Measure(() => parser.Parse(new MemoryStream(bytes), "order.xlsx").Rows.Count, () => ReadRaw(bytes));

Console.WriteLine($"OrderPlatform parser : median {ours.Median,8:N1} ms, min {ours.Min,8:N1} ms (CPU median {ours.CpuMedian,6:N1}, min {ours.CpuMin,6:N1} ms), {ours.AllocatedMb,6:N1} MB allocated per run");
Console.WriteLine($"Raw ExcelDataReader  : median {raw.Median,8:N1} ms, min {raw.Min,8:N1} ms (CPU median {raw.CpuMedian,6:N1}, min {raw.CpuMin,6:N1} ms), {raw.AllocatedMb,6:N1} MB allocated per run");
Console.WriteLine($"Ratio (ours / raw)   : median {ours.Median / raw.Median:N2}x, min {ours.Min / raw.Min:N2}x; CPU median {ours.CpuMedian / raw.CpuMedian:N2}x, min {ours.CpuMin / raw.CpuMin:N2}x");

// "parse" alone stops here: the comparison above needs no running graph.
if (args is ["parse"])
{
    return;
}

// Upload→draft on the local graph: a five-line order of seed-catalog items that passes straight through.
// Arguments: [uploads] [in flight] [Zoho requests per minute], default 100, 10 and the Worker's own 80.
var uploads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
var inFlight = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var zohoPerMinute = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 80;
Console.WriteLine();
Console.WriteLine($"Upload→draft on the local graph (Api and Worker processes, embedded Temporal, Zoho fake):");
await UploadBench.RunAsync(SmallOrder(), single: 20, uploads, inFlight, zohoPerMinute);

static (Stats Ours, Stats Raw) Measure(Func<int> ours, Func<int> raw)
{
    ours();
    raw();
    var a = new Stats();
    var b = new Stats();
    for (var i = 0; i < Runs; i++)
    {
        a.Run(ours);
        b.Run(raw);
    }

    return (a, b);
}

static int ReadRaw(byte[] bytes)
{
    using var reader = ExcelReaderFactory.CreateOpenXmlReader(new MemoryStream(bytes));
    var cells = 0;
    while (reader.Read())
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            cells += reader.GetValue(i) is null ? 0 : 1;
        }
    }

    return cells;
}

static byte[] Generate(int lines) => Workbook(writer =>
{
    WriteRow(writer, 1, "Kundennr.: 10234");
    WriteRow(writer, 2, "Liefertermin", "15.03.2026");
    WriteRow(writer, 4, "Pos.", "Art.-Nr.", "EAN", "Bezeichnung", "Menge", "ME", "Preis €");
    for (var i = 0; i < lines; i++)
    {
        WriteRow(writer, 5 + i, i + 1, $"4711-{i:00000}", 4006381333931d, $"Schraube M{6 + (i % 10)}x{20 + (i % 40)} verzinkt, DIN 933",
            1 + (i % 50), "Stk", i % 3 == 0 ? $"{i % 100},{i % 97:00}" : 0.05 + (i % 1000) / 100.0);
    }
});

static byte[] SmallOrder() => Workbook(writer =>
{
    WriteRow(writer, 1, "Kundennr.:", "10234");
    WriteRow(writer, 2, "Bestellnr.:", "PO-BENCH");
    WriteRow(writer, 4, "Pos.", "Art.-Nr.", "Bezeichnung", "Menge", "ME", "Preis");
    WriteRow(writer, 5, 1, "4711-0032", "Schraube M6x20 verzinkt, DIN 933", 250, "Stk", 0.12);
    WriteRow(writer, 6, 2, "AB 100", "Mutter M6 DIN 934", 400, "Stk", 0.05);
    WriteRow(writer, 7, 3, "KAB-3X1.5", "Kabel NYM-J 3x1,5 mm²", 50, "m", 0.89);
    WriteRow(writer, 8, 4, "4711-0045", "Schraube M8x30 verzinkt, DIN 933", 120, "Stk", 0.21);
    WriteRow(writer, 9, 5, "WD-40-400", "WD-40 Multifunktionsöl 400 ml", 6, "Stk", 6.90);
});

// One sheet "Bestellung" streamed with OpenXmlWriter, so a 10,000-line sheet is written without a DOM in memory.
static byte[] Workbook(Action<OpenXmlWriter> rows)
{
    using var stream = new MemoryStream();
    using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
    {
        var workbookPart = document.AddWorkbookPart();
        workbookPart.Workbook = new Workbook();
        var sheetPart = workbookPart.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(sheetPart))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            rows(writer);
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        workbookPart.Workbook.AppendChild(new Sheets(new Sheet { Id = workbookPart.GetIdOfPart(sheetPart), SheetId = 1, Name = "Bestellung" }));
    }

    return stream.ToArray();
}

static void WriteRow(OpenXmlWriter writer, int number, params object[] values)
{
    writer.WriteStartElement(new Row { RowIndex = (uint)number });
    foreach (var value in values)
    {
        var cell = value is string text
            ? new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) }
            : new Cell { CellValue = new CellValue(Convert.ToString(value, CultureInfo.InvariantCulture)!) };
        writer.WriteElement(cell);
    }

    writer.WriteEndElement();
}

internal sealed class Stats
{
    private readonly List<double> _times = [];
    private readonly List<double> _cpu = [];
    private long _allocated;

    public double Median => Middle(_times);

    public double Min => _times.Min();

    /// <summary>CPU time of the measuring thread: on two cores shared with other builds, wall time is mostly waiting.</summary>
    public double CpuMedian => Middle(_cpu);

    public double CpuMin => _cpu.Min();

    public double AllocatedMb => _allocated / (double)_times.Count / (1024 * 1024);

    public void Run(Func<int> action)
    {
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpuMs();
        var watch = Stopwatch.StartNew();
        action();
        _times.Add(watch.Elapsed.TotalMilliseconds);
        _cpu.Add(ThreadCpuMs() - cpu);
        _allocated += GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static double Middle(List<double> values) => values.Order().ElementAt(values.Count / 2);

    // Workstation GC collects gen0/gen1 on the allocating thread, so its cost is in here too.
    private static double ThreadCpuMs() =>
        ClockGetTime(ThreadCpuClock, out var now) == 0 ? (now.Seconds * 1000.0) + (now.Nanoseconds / 1e6) : double.NaN;

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID (Linux)

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private readonly record struct TimeSpec(long Seconds, long Nanoseconds);
}
