using System.Text;

namespace OrderPlatform.OrderSheets;

/// <summary>CSV per spec R15: encoding from BOM, strict UTF-8 or Windows-1252; delimiter sniffed outside quotes.</summary>
internal static class CsvReader
{
    public const string SheetName = "csv";

    /// <summary>The most characters an Excel cell holds (Microsoft KB 269370's 32,767), so no order field has more.</summary>
    public const int MaxFieldCharacters = 32_767;

    private static readonly char[] Candidates = [';', ',', '\t'];

    static CsvReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static RawWorkbook Read(byte[] bytes, ParseLimits limits)
    {
        var text = Decode(bytes);
        var delimiter = SniffDelimiter(text);
        var sheet = new RawSheet(SheetName, false, limits);
        var row = 0;
        var column = 0;
        var field = new StringBuilder();
        var quoted = false;
        var fieldWasQuoted = false;

        void Append(char ch)
        {
            // Excel's own cell limit: past it the field is no order data, and the builder would grow with the file.
            if (field.Length >= MaxFieldCharacters)
            {
                throw new SpreadsheetException(SpreadsheetError.TooComplex,
                    $"Line {row + 1:N0} of the file holds a field of more than {MaxFieldCharacters:N0} characters, more than an Excel cell takes; it was not read.");
            }

            field.Append(ch);
        }

        void EndField()
        {
            var value = fieldWasQuoted ? field.ToString() : field.ToString().Trim();
            if (value.Length > 0)
            {
                sheet.Set(row, column, new RawCell(RawKind.Text, value, 0));
            }

            field.Clear();
            fieldWasQuoted = false;
            column++;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    Append(ch);
                }
            }
            else if (ch == '"' && field.Length == 0)
            {
                quoted = true;
                fieldWasQuoted = true;
            }
            else if (ch == delimiter)
            {
                EndField();
            }
            else if (ch is '\r' or '\n')
            {
                EndField();
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                row++;
                column = 0;
                limits.ThrowIfCancelled();
            }
            else
            {
                Append(ch);
            }
        }

        EndField();
        return new RawWorkbook("csv", [sheet], delimiter == ';' ? ',' : null);
    }

    internal static string Decode(byte[] bytes)
    {
        var bom = Encoding.UTF8.Preamble;
        if (bytes.AsSpan().StartsWith(bom))
        {
            return Encoding.UTF8.GetString(bytes, bom.Length, bytes.Length - bom.Length);
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // German and French Excel exports without BOM are Windows-1252.
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }

    private static char SniffDelimiter(string text)
    {
        var counts = new int[Candidates.Length];
        var lines = 0;
        var quoted = false;
        foreach (var ch in text)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && ch == '\n' && ++lines >= 10)
            {
                break;
            }
            else if (!quoted && Array.IndexOf(Candidates, ch) is var index and >= 0)
            {
                counts[index]++;
            }
        }

        if (counts.All(c => c == 0))
        {
            // One column: no delimiter to learn a decimal convention from.
            return ',';
        }

        var best = 0;
        for (var i = 1; i < counts.Length; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }

        return Candidates[best];
    }
}
