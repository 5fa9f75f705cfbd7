namespace OrderPlatform.OrderSheets;

/// <summary>Which number formats show a date (spec R12): built-in ids 14–22 or a custom code with d/m/y.</summary>
internal static class NumberFormats
{
    public static bool IsDate(uint formatId, string? formatCode)
    {
        if (formatId is >= 14 and <= 22 or >= 45 and <= 47)
        {
            return true;
        }

        if (string.IsNullOrEmpty(formatCode))
        {
            return false;
        }

        // Letters inside quotes, brackets ([Red], [$-407]) or after a backslash are literals, not date parts.
        var inQuotes = false;
        var inBrackets = false;
        for (var i = 0; i < formatCode.Length; i++)
        {
            var ch = formatCode[i];
            if (ch == '\\')
            {
                i++;
            }
            else if (ch == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && ch == '[')
            {
                inBrackets = true;
            }
            else if (inBrackets && ch == ']')
            {
                inBrackets = false;
            }
            else if (!inQuotes && !inBrackets && char.ToLowerInvariant(ch) is 'd' or 'm' or 'y')
            {
                return true;
            }
        }

        return false;
    }
}
