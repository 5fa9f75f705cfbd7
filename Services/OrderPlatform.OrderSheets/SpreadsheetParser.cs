using Microsoft.Extensions.Options;

namespace OrderPlatform.OrderSheets;

/// <summary>parse-excel: bytes in, the order table out, or a <see cref="SpreadsheetException"/> the user can read.</summary>
public sealed class SpreadsheetParser(IOptions<ParserOptions> options)
{
    private readonly ParserOptions _options = options.Value;
    private readonly Synonyms _synonyms = new(options.Value.ExtraSynonyms);

    public ParsedSheet Parse(Stream content, string fileName, CustomerConventions? conventions = null) =>
        Parse(content, fileName, conventions, CancellationToken.None);

    /// <summary>
    /// Parses under <see cref="ParserOptions.MaxParseTime"/> and <paramref name="cancellationToken"/> (the activity's).
    /// Cancellation by the caller surfaces as <see cref="OperationCanceledException"/>; every other failure, including
    /// the deadline and memory guards, is a <see cref="SpreadsheetException"/>: the same bytes would fail again.
    /// </summary>
    public ParsedSheet Parse(Stream content, string fileName, CustomerConventions? conventions, CancellationToken cancellationToken)
    {
        var options = conventions is null ? _options : _options.With(conventions);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.MaxParseTime);
        var limits = new ParseLimits(options, deadline.Token);
        try
        {
            return ParseBytes(ReadLimited(content), fileName, limits);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SpreadsheetException(SpreadsheetError.TooComplex,
                $"The file took longer than {options.MaxParseTime.TotalSeconds:N0} seconds to read, far longer than an order should; please send a simpler copy.", ex);
        }
        catch (Exception ex) when (ex is OutOfMemoryException or InsufficientExecutionStackException)
        {
            throw new SpreadsheetException(SpreadsheetError.TooManyCells,
                "The file needs more memory to read than an order could; it was not read.", ex);
        }
        catch (Exception ex) when (ex is not (SpreadsheetException or OperationCanceledException))
        {
            // A file the readers choke on in a way not foreseen: the same bytes would fail on every retry.
            throw new SpreadsheetException(SpreadsheetError.Corrupt, "The file is damaged or unusual in a way that keeps it from being read.", ex);
        }
    }

    private ParsedSheet ParseBytes(byte[] bytes, string fileName, ParseLimits limits)
    {
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, 1024));
        if (bytes.Length == 0)
        {
            throw new SpreadsheetException(SpreadsheetError.NoData, "The file is empty.");
        }

        var workbook = FormatSniffer.Sniff(head, fileName) switch
        {
            // Writable, though nothing writes: over a read-only stream the Open XML SDK copies the whole package to a
            // temporary file first (profiled: a temp file per parse), and it opens the package read-only either way.
            SniffedFormat.Zip => XlsxReader.Read(new MemoryStream(bytes), limits),
            SniffedFormat.Ole when FormatSniffer.IsEncryptedOoxml(bytes) => throw new SpreadsheetException(SpreadsheetError.Encrypted,
                "The workbook is password protected. Please remove the password and send it again."),
            SniffedFormat.Ole => XlsReader.Read(new MemoryStream(bytes, writable: false), limits),
            _ => CsvReader.Read(bytes, limits),
        };
        return Analyze(workbook, limits);
    }

    private ParsedSheet Analyze(RawWorkbook workbook, ParseLimits limits)
    {
        var options = limits.Options;
        var analyzer = new SheetAnalyzer(_synonyms);
        var visible = workbook.Sheets.Where(s => !s.Hidden).ToList();
        var candidates = new List<TableCandidate>();
        foreach (var sheet in visible)
        {
            limits.ThrowIfCancelled();
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
