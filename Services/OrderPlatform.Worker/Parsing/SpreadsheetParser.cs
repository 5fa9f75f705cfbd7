using Microsoft.Extensions.Options;

namespace OrderPlatform.Worker.Parsing;

/// <summary>parse-excel: bytes in, the order table out, or a <see cref="SpreadsheetException"/> the user can read.</summary>
public sealed class SpreadsheetParser(IOptions<ParserOptions> options)
{
    private readonly ParserOptions _options = options.Value;
    private readonly Synonyms _synonyms = new(options.Value.ExtraSynonyms);

    public ParsedSheet Parse(Stream content, string fileName, CustomerConventions? conventions = null)
    {
        var options = conventions is null ? _options : _options.With(conventions);
        var bytes = ReadLimited(content);
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, 1024));
        if (bytes.Length == 0)
        {
            throw new SpreadsheetException(SpreadsheetError.NoData, "The file is empty.");
        }

        var workbook = FormatSniffer.Sniff(head, fileName) switch
        {
            SniffedFormat.Zip => XlsxReader.Read(new MemoryStream(bytes, writable: false), _options),
            SniffedFormat.Ole when FormatSniffer.IsEncryptedOoxml(bytes) => throw new SpreadsheetException(SpreadsheetError.Encrypted,
                "The workbook is password protected. Please remove the password and send it again."),
            SniffedFormat.Ole => XlsReader.Read(new MemoryStream(bytes, writable: false), _options),
            _ => CsvReader.Read(bytes, _options),
        };
        return Analyze(workbook, options);
    }

    private ParsedSheet Analyze(RawWorkbook workbook, ParserOptions options)
    {
        var analyzer = new SheetAnalyzer(_synonyms);
        var visible = workbook.Sheets.Where(s => !s.Hidden).ToList();
        var candidates = new List<TableCandidate>();
        foreach (var sheet in visible)
        {
            SheetAnalyzer.Unmerge(sheet);
            if (analyzer.BestTable(sheet) is { } table)
            {
                candidates.Add(table);
            }
        }

        if (candidates.Count == 0)
        {
            throw new SpreadsheetException(SpreadsheetError.NoData, "No order lines were found in the file.");
        }

        var warnings = new List<string>();
        var questions = new List<ParseQuestion>();
        var ranked = candidates.OrderByDescending(c => c.FromTable).ThenByDescending(c => c.Qualifying)
            .ThenByDescending(c => c.HeaderScore).ToList();
        var best = ranked[0];
        var basis = best.Basis;
        if (!best.FromTable && ranked.Count > 1)
        {
            var close = ranked.Skip(1).Where(c => c.Qualifying > 0 && c.Qualifying >= best.Qualifying * 0.8).ToList();
            if (close.Count > 0)
            {
                questions.Add(new ParseQuestion("sheet", "Several sheets look like the order. Which one should be used?",
                    [best.Sheet.Name, .. close.Select(c => c.Sheet.Name)]));
            }

            basis += $"; sheet chosen by score {best.Qualifying} over {string.Join(", ", ranked.Skip(1).Select(c => $"{c.Sheet.Name} {c.Qualifying}"))}";
        }

        if (best.Qualifying == 0)
        {
            warnings.Add("No row has both a quantity and an item code or description.");
        }

        return new TableReader(_synonyms, options).Read(workbook, best, warnings, questions) with { SheetBasis = basis };
    }

    private byte[] ReadLimited(Stream content)
    {
        if (content.CanSeek && content.Length - content.Position > _options.MaxFileBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = content.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > _options.MaxFileBytes)
            {
                throw TooLarge();
            }
        }

        return buffer.ToArray();
    }

    private SpreadsheetException TooLarge() => new(SpreadsheetError.TooLarge,
        $"The file is larger than {_options.MaxFileBytes / (1024 * 1024)} MB, the most an order may be.");
}
