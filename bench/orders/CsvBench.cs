using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using OrderPlatform.OrderSheets;
using CsvReader = OrderPlatform.OrderSheets.CsvReader;

/// <summary>
/// Issue 14 item 4: the Worker's hand-written CSV tokenizer next to CsvHelper's parser, both filling the same
/// <see cref="RawSheet"/> under the same <see cref="ParseLimits"/>, on a 10,000-line export and on two hostile files.
/// </summary>
internal static class CsvBench
{
    public static void Run(int lines, int runs)
    {
        var order = Encoding.UTF8.GetBytes(Export(lines));
        Console.WriteLine($"CSV: {lines:N0} lines, {order.Length / 1024.0:N0} KiB, {runs} runs each after one warm-up");
        if (Ours(order) != CsvHelperRead(order))
        {
            throw new InvalidOperationException("The two tokenizers read different cells.");
        }

        var ours = new Stats();
        var helper = new Stats();
        Ours(order);
        CsvHelperRead(order);
        for (var i = 0; i < runs; i++)
        {
            ours.Run(() => Ours(order));
            helper.Run(() => CsvHelperRead(order));
        }

        Console.WriteLine($"Hand-written tokenizer: median {ours.Median,7:N1} ms, min {ours.Min,7:N1} ms (CPU median {ours.CpuMedian,6:N1} ms), {ours.AllocatedMb,5:N1} MB allocated");
        Console.WriteLine($"CsvHelper CsvParser   : median {helper.Median,7:N1} ms, min {helper.Min,7:N1} ms (CPU median {helper.CpuMedian,6:N1} ms), {helper.AllocatedMb,5:N1} MB allocated");
        Console.WriteLine($"Ratio (CsvHelper / ours): median {helper.Median / ours.Median:N2}x, CPU median {helper.CpuMedian / ours.CpuMedian:N2}x");

        // Hostile: 100,000 columns on the header line; one 15 MB quoted field.
        var wide = Encoding.UTF8.GetBytes("SKU;Qty" + string.Concat(Enumerable.Range(2, 99_998).Select(c => $";h{c}")) + "\nAB-100;5\n");
        var longField = Encoding.UTF8.GetBytes("SKU;Text;Qty\nAB-100;\"" + new string('x', 15_000_000) + "\";5\n");
        foreach (var (name, bytes) in new[] { ("100,000 columns", wide), ("15 MB field", longField) })
        {
            Console.WriteLine($"{name,-16}: hand-written {Refusal(() => Ours(bytes))}; CsvHelper {Refusal(() => CsvHelperRead(bytes))}");
        }
    }

    private static string Export(int lines)
    {
        var text = new StringBuilder("Pos.;Art.-Nr.;EAN;Bezeichnung;Menge;ME;Preis €\r\n");
        for (var i = 0; i < lines; i++)
        {
            // Every fifth description quoted with the delimiter inside, as ERP exports do.
            var description = i % 5 == 0 ? $"\"Schraube M{6 + (i % 10)}; verzinkt, DIN 933\"" : $"Schraube M{6 + (i % 10)}x{20 + (i % 40)} verzinkt";
            text.Append(CultureInfo.InvariantCulture, $"{i + 1};4711-{i:00000};4006381333931;{description};{1 + (i % 50)};Stk;{i % 100},{i % 97:00}\r\n");
        }

        return text.ToString();
    }

    private static int Ours(byte[] bytes) => Count(CsvReader.Read(bytes, Limits()).Sheets[0]);

    /// <summary>CsvHelper with the limits applied as it allows: fields capped by MaxFieldSize, columns and cancellation checked per record.</summary>
    private static int CsvHelperRead(byte[] bytes)
    {
        var limits = Limits();
        var sheet = new RawSheet(CsvReader.SheetName, false, limits);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = ";",
            HasHeaderRecord = false,
            BadDataFound = null,
            MaxFieldSize = CsvReader.MaxFieldCharacters,
            TrimOptions = TrimOptions.Trim,
        };
        try
        {
            using var parser = new CsvParser(new StringReader(CsvReader.Decode(bytes)), configuration);
            var row = 0;
            while (parser.Read())
            {
                limits.ThrowIfCancelled();
                for (var c = 0; c < parser.Count; c++)
                {
                    if (parser[c] is { Length: > 0 } value)
                    {
                        sheet.Set(row, c, new RawCell(RawKind.Text, value, 0));
                    }
                }

                row++;
            }
        }
        catch (MaxFieldSizeException ex)
        {
            throw new SpreadsheetException(SpreadsheetError.TooComplex, "A field is longer than an Excel cell.", ex);
        }

        return Count(sheet);
    }

    private static ParseLimits Limits() => new(new ParserOptions(), CancellationToken.None);

    private static int Count(RawSheet sheet) => sheet.Rows.Sum(r => r?.Count(c => c is not null) ?? 0);

    private static string Refusal(Action read)
    {
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        string outcome;
        try
        {
            read();
            outcome = "read it";
        }
        catch (SpreadsheetException ex)
        {
            outcome = ex.Error.ToString();
        }

        return $"{outcome} after {watch.Elapsed.TotalMilliseconds:N0} ms, {(GC.GetAllocatedBytesForCurrentThread() - before) / 1024.0 / 1024.0:N0} MB";
    }
}
