using System.Globalization;

namespace OrderPlatform.OrderSheets;

/// <summary>
/// Turns the chosen table into <see cref="ParsedSheet"/>: column fields (R4/R5), data rows without totals and repeated
/// headers (R8), numbers per column convention (R10), long codes (R11), dates (R12), cached formulas (R13).
/// </summary>
internal sealed class TableReader(Synonyms synonyms, ParserOptions options)
{
    public ParsedSheet Read(RawWorkbook workbook, TableCandidate table, List<string> warnings, List<ParseQuestion> questions)
    {
        var sheet = table.Sheet;
        var width = table.LastColumn - table.FirstColumn + 1;
        var fields = AssignFields(table.Headers);
        var fieldColumn = FieldColumns(fields);
        var contentCode = ContentCode(sheet, table, fields);

        // A repeated header repeats the sub-header text exactly (page breaks in exports), so compare raw text.
        var headerTexts = table.Headers.Select(h => h.Contains(" / ", StringComparison.Ordinal) ? h[(h.LastIndexOf(" / ", StringComparison.Ordinal) + 3)..] : h).ToArray();
        // Only the order's own fields make a header usable for R8; a recognised "Betrag" alone does not.
        var headerless = table.HeaderRow < 0 || !fieldColumn.Keys.Any(OrderFields.Columns.Contains);
        if (contentCode >= 0)
        {
            // Rows with a code are lines even when their description starts like a total ("Totaal reiniger 500 ml").
            fieldColumn[OrderFields.Code] = contentCode;
        }

        var kept = new List<int>();
        var keptTexts = new List<string[]>();
        var skipped = new List<int>();
        var noteKeys = NoteKeys(fieldColumn);
        for (var r = table.FirstDataRow; r < table.EndRow; r++)
        {
            sheet.Limits.ThrowIfCancelled();
            if (sheet.Rows[r] is null)
            {
                continue;
            }

            // Each cell's text once: the row tests below and the parsed cells share it.
            var texts = new string[width];
            for (var i = 0; i < width; i++)
            {
                texts[i] = SheetAnalyzer.CellText(sheet.Get(r, table.FirstColumn + i));
            }

            if (IsTotalRow(texts, fieldColumn) || IsRepeatedHeader(texts, headerTexts, fieldColumn) || IsNote(texts, fieldColumn, noteKeys, headerless))
            {
                skipped.Add(r + 1);
                continue;
            }

            kept.Add(r);
            keptTexts.Add(texts);
        }

        DerivedColumns.DemoteLineTotal(sheet, table, kept, fields);
        if (kept.Count > options.MaxDataRows)
        {
            throw new SpreadsheetException(SpreadsheetError.TooManyRows,
                $"The order has {kept.Count:N0} lines; at most {options.MaxDataRows:N0} are accepted.");
        }

        var columns = new List<ParsedColumn>(width);
        for (var i = 0; i < width; i++)
        {
            var c = table.FirstColumn + i;
            var (separator, ambiguous) = DecideSeparator(sheet, c, kept, workbook.ImpliedDecimalSeparator);
            if (ambiguous && fields[i].Field is null or OrderFields.Quantity or OrderFields.Price)
            {
                questions.Add(new ParseQuestion("decimal-separator",
                    $"Column {CellReferences.ColumnLetter(c)} ({Label(table.Headers[i], c)}) has values like 1.234: is the dot a thousands separator or the decimal point?",
                    ["thousands separator", "decimal point"]));
            }

            columns.Add(new ParsedColumn(c, CellReferences.ColumnLetter(c), table.Headers[i], fields[i].Field,
                fields[i].Score, separator, ambiguous, i == contentCode ? OrderFields.Code : null));
        }

        var dateQuestionAsked = false;
        var rows = new List<ParsedRow>(kept.Count);
        var rowWarnings = new List<string>();
        for (var k = 0; k < kept.Count; k++)
        {
            var r = kept[k];
            var cells = new ParsedCell[width];
            for (var i = 0; i < width; i++)
            {
                cells[i] = ToCell(sheet.Get(r, table.FirstColumn + i), keptTexts[k][i], columns[i], r, rowWarnings, out var ambiguousDate);
                if (ambiguousDate && !dateQuestionAsked)
                {
                    dateQuestionAsked = true;
                    questions.Add(new ParseQuestion("date-order",
                        $"Is {cells[i].Text} in column {columns[i].Letter} day/month/year or month/day/year?", ["dmy", "mdy"]));
                }
            }

            rows.Add(new ParsedRow(r + 1, cells, rowWarnings.Count == 0 ? [] : [.. rowWarnings]));
            rowWarnings.Clear();
        }

        var metadataEnd = table.GroupRow >= 0 ? table.GroupRow : Math.Max(table.HeaderRow, 0);
        var metadata = MetadataReader.Read(sheet, metadataEnd, synonyms, options.DateOrder);
        return new ParsedSheet(workbook.Format, sheet.Name, table.Basis, table.HeaderRow >= 0 ? table.HeaderRow + 1 : null,
            columns, rows, metadata, skipped, warnings, questions);
    }

    /// <summary>The article-number column by its values when no header names one (issue 14), or -1.</summary>
    private static int ContentCode(RawSheet sheet, TableCandidate table, (string? Field, double Score)[] fields)
    {
        if (fields.Any(f => f.Field == OrderFields.Code))
        {
            return -1;
        }

        var rows = Enumerable.Range(table.FirstDataRow, table.EndRow - table.FirstDataRow)
            .Where(r => sheet.Rows[r] is not null).Take(CodeColumns.SampleRows).ToList();
        return CodeColumns.Best(Enumerable.Range(0, fields.Length).Where(i => fields[i].Field is null).Select(i =>
            (i, (IReadOnlyCollection<CodeProbe>)[.. rows.Select(r => CodeColumns.Probe(sheet.Get(r, table.FirstColumn + i))).Where(p => p.Text.Length > 0)])),
            CodeColumns.ParserThreshold);
    }

    private static Dictionary<string, int> FieldColumns((string? Field, double Score)[] fields) =>
        fields.Select((f, i) => (f.Field, i)).Where(x => x.Field is not null).ToDictionary(x => x.Field!, x => x.i);

    private static string Label(string header, int column) => header.Length > 0 ? header : $"column {CellReferences.ColumnLetter(column)}";

    /// <summary>Each field goes to its best-scoring column only, so "Preis / brutto" never competes with "netto".</summary>
    private (string? Field, double Score)[] AssignFields(string[] headers)
    {
        var matches = headers.Select(h => synonyms.MatchColumn(h)).ToArray();
        var result = new (string? Field, double Score)[headers.Length];
        foreach (var group in matches.Select((m, i) => (m, i)).Where(x => x.m.Field is not null).GroupBy(x => x.m.Field))
        {
            var best = group.OrderByDescending(x => x.m.Score).ThenBy(x => x.i).First();
            result[best.i] = best.m;
        }

        return result;
    }

    private static bool IsTotalRow(string[] texts, Dictionary<string, int> fieldColumn)
    {
        var code = fieldColumn.TryGetValue(OrderFields.Code, out var ci) ? texts[ci] : "";
        return texts.Any(Synonyms.IsTotalLabel) && (code.Length == 0 || Synonyms.IsTotalLabel(code));
    }

    private static bool IsRepeatedHeader(string[] texts, string[] headers, Dictionary<string, int> fieldColumn) =>
        fieldColumn.Count >= 2 && fieldColumn.Values.Count(i => texts[i].Length > 0 && string.Equals(texts[i], headers[i].Trim(), StringComparison.OrdinalIgnoreCase)) >= 2;

    /// <summary>Notes and section titles: neither code nor quantity (R8); without a header, fewer than two cells.</summary>
    private static bool IsNote(string[] texts, Dictionary<string, int> fieldColumn, int[] keys, bool headerless)
    {
        if (headerless)
        {
            return texts.Count(t => t.Length > 0) < 2;
        }

        if (IsHeading(texts, fieldColumn))
        {
            return true;
        }

        foreach (var key in keys)
        {
            if (texts[key].Length > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The columns of which a line has at least one: code, EAN or quantity, else the description.</summary>
    private static int[] NoteKeys(Dictionary<string, int> fieldColumn)
    {
        int[] keys = [.. new[] { OrderFields.Code, OrderFields.Ean, OrderFields.Quantity }.Where(fieldColumn.ContainsKey).Select(k => fieldColumn[k])];
        return keys.Length > 0 || !fieldColumn.TryGetValue(OrderFields.Description, out var description) ? keys : [description];
    }

    /// <summary>
    /// A section heading ("FASTENERS", "Elektro"): one cell of text, no quantity, and not an item code, whichever column
    /// it sits in. A code alone on its row is still a line (R14 warns about its missing quantity).
    /// </summary>
    private static bool IsHeading(string[] texts, Dictionary<string, int> fieldColumn)
    {
        var filled = -1;
        for (var i = 0; i < texts.Length; i++)
        {
            if (texts[i].Length > 0)
            {
                if (filled >= 0)
                {
                    return false;
                }

                filled = i;
            }
        }

        return filled >= 0 && !(fieldColumn.TryGetValue(OrderFields.Quantity, out var q) && q == filled)
            && !SheetAnalyzer.IsCodeLike(texts[filled]);
    }

    private (char? Separator, bool Ambiguous) DecideSeparator(RawSheet sheet, int column, List<int> rows, char? implied)
    {
        int dot = 0, comma = 0, ambiguous = 0;
        foreach (var r in rows)
        {
            if (sheet.Get(r, column) is { Kind: RawKind.Text, Text: { } text } && NumberText.Core(text) is { } core && !LooksLikeDate(text))
            {
                switch (NumberText.Evidence(core))
                {
                    case SeparatorEvidence.Dot: dot++; break;
                    case SeparatorEvidence.Comma: comma++; break;
                    case SeparatorEvidence.Ambiguous: ambiguous++; break;
                }
            }
        }

        if (dot + comma > 0)
        {
            return (dot >= comma ? '.' : ',', false);
        }

        if (ambiguous == 0)
        {
            return (null, false);
        }

        // All samples look like "1.234": only the customer profile or the CSV's own convention may settle it.
        var settled = options.DecimalSeparator ?? implied;
        return settled is { } s ? (s, false) : (null, true);
    }

    private static bool LooksLikeDate(string text) => DateText.Parse(text, "dmy", out _) is not null;

    /// <summary><paramref name="text"/> is <see cref="SheetAnalyzer.CellText"/> of <paramref name="raw"/>, already made for the row tests.</summary>
    private ParsedCell ToCell(RawCell? raw, string text, ParsedColumn column, int row, List<string> warnings, out bool ambiguousDate)
    {
        ambiguousDate = false;
        string Reference() => CellReferences.Format(row, column.Index);
        switch (raw)
        {
            case null:
                return ParsedCell.Empty;
            case { Kind: RawKind.Number } n:
                if (Math.Abs(n.Number) >= 1e15 && n.Number == Math.Floor(n.Number))
                {
                    warnings.Add($"{Reference()} holds a number of 16 or more digits; Excel keeps only 15, so it may be cut. Format the column as text and send it again.");
                }

                return new ParsedCell(CellKind.Number, text, NumberText.ToDecimal(n.Number));
            case { Kind: RawKind.Date } d:
                var date = DateText.FromSerial(d.Number);
                if (date is null)
                {
                    warnings.Add($"{Reference()} holds the date serial {d.Number}, which is not a real day (Excel's 29 Feb 1900).");
                }

                return new ParsedCell(CellKind.Date, date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? NumberText.FormatStored(d.Number),
                    NumberText.ToDecimal(d.Number), date);
            case { Kind: RawKind.Error } e:
                warnings.Add($"{Reference()} could not be read ({e.Text}).");
                return new ParsedCell(CellKind.Error, e.Text ?? "");
            case { Kind: RawKind.MissingFormulaValue }:
                warnings.Add($"{Reference()} is a formula without a stored result, so it could not be read.");
                return ParsedCell.Empty;
            case { Kind: RawKind.Boolean } b:
                return new ParsedCell(CellKind.Boolean, b.Text ?? "");
            default:
                if (text.Length == 0)
                {
                    return ParsedCell.Empty;
                }

                var parsedDate = DateText.Parse(text, options.DateOrder, out ambiguousDate);
                decimal? number = null;
                if (parsedDate is null && !ambiguousDate && NumberText.Core(text) is { } core)
                {
                    var evidence = NumberText.Evidence(core);
                    var separator = column.DecimalSeparator ?? (evidence == SeparatorEvidence.None ? '.' : (char?)null);
                    number = separator is { } s && (evidence != SeparatorEvidence.Ambiguous || !column.DecimalAmbiguous)
                        ? NumberText.Parse(core, s)
                        : null;
                }

                return new ParsedCell(CellKind.Text, text, number, parsedDate);
        }
    }
}
