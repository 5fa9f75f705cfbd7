using System.Globalization;
using System.Text.RegularExpressions;

namespace OrderPlatform.OrderSheets;

/// <summary>What the separators in a column's text numbers say about its decimal separator (spec R10).</summary>
internal enum SeparatorEvidence
{
    None,
    Dot,
    Comma,
    Ambiguous,
}

/// <summary>Reads numbers written as text: cleaning, separator evidence and the final parse (spec R10).</summary>
internal static partial class NumberText
{
    // Currencies, and the units and multipliers people type after a quantity ("5x", "200 pcs", "12 St.", "12,5 m",
    // "2,5 kg", "6 rolls", "3 Stuks", "10 szt."), in the languages of the synonym tables. Only known words: "100 AB"
    // stays text, so codes never turn into numbers.
    [GeneratedRegex(@"^(?:€|\$|£|EUR|USD|CHF|GBP|SEK|DKK|NOK|PLN|KR)?\s*([-+]?\d[\d.,' ]*?)\s*(?<suffix>€|\$|£|EUR|USD|CHF|GBP|SEK|DKK|NOK|PLN|KR|:-|"
        + @"X|STK|STCK|STÜCK|ST|PCS|PC|PCE|PIECES?|EA|EACH|UNITS?|STUKS?|STYCKEN|STYK|SZT|PZ|PEZZI|UDS?|UNIDADES|PIÈCES?|"
        + @"M|MM|CM|KM|LFM|M2|M²|M3|M³|KG|G|T|L|ML|ROLLS?|ROLLEN?|ROL|ROLLER|RULLER?|RULLAR|ROTOLI|ROLLOS?|BOX(?:ES)?|KARTONS?|KARTONG(?:ER)?|KRT|DOOS|DOZEN|"
        + @"PACKS?|PK|PKT|PAK|PAKET|PAKKE|PAAR|PAIRS?|PARES?|SETS?|SACKS?|BAGS?|VPE|VE|KPL)?\.?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    /// <summary>The bare digits-and-separators core of a text number, or null when the text is not one.</summary>
    public static string? Core(string text)
    {
        var trimmed = text.Replace('\u00A0', ' ').Replace('\u202F', ' ').Trim();
        if (trimmed.Length == 0 || trimmed.Length > 40 || !trimmed.AsSpan().ContainsAnyInRange('0', '9'))
        {
            return null;
        }

        // Most cells of an order never need the pattern: a bare number is its own core, and codes and descriptions
        // fail one of the pattern's cheap necessary conditions (profiled: the pattern was half of a 10,000-line parse).
        if (IsBareNumber(trimmed))
        {
            return trimmed;
        }

        if (CannotMatch(trimmed))
        {
            return null;
        }

        var match = NumberPattern().Match(trimmed);
        return match.Success ? match.Groups[1].Value.TrimEnd() : null;
    }

    /// <summary>Sign, digits and separators ending in a digit: what <see cref="NumberPattern"/> returns whole.</summary>
    private static bool IsBareNumber(string text)
    {
        var start = text[0] is '-' or '+' ? 1 : 0;
        if (start >= text.Length || !char.IsAsciiDigit(text[start]) || !char.IsAsciiDigit(text[^1]))
        {
            return false;
        }

        for (var i = start + 1; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]) && text[i] is not ('.' or ',' or '\'' or ' '))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Conditions every match of <see cref="NumberPattern"/> meets, checked without it: only characters the pattern
    /// knows, at most twelve letters (a three-letter currency before, a nine-letter unit after), and a minus only as the
    /// sign before the first digit or in the ":-" suffix. "4711-0032" and "Schraube M6x20 verzinkt" fail here.
    /// </summary>
    private static bool CannotMatch(string text)
    {
        var letters = 0;
        var digitSeen = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (char.IsAsciiDigit(ch))
            {
                digitSeen = true;
            }
            else if (char.IsLetter(ch))
            {
                if (++letters > 12)
                {
                    return true;
                }
            }
            else if (ch == '-')
            {
                var sign = !digitSeen && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]);
                if (!sign && !(i == text.Length - 1 && i > 0 && text[i - 1] == ':'))
                {
                    return true;
                }
            }
            else if (!char.IsWhiteSpace(ch) && ch is not ('.' or ',' or '\'' or '+' or '€' or '$' or '£' or ':' or '²' or '³'))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly HashSet<string> NotUnits = new(["€", "$", "£", "EUR", "USD", "CHF", "GBP", "SEK", "DKK", "NOK", "PLN", "KR", ":-", "X"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The unit typed after a text quantity ("12,5 m" gives "m"); null for none, a currency or a multiplier.</summary>
    public static string? TrailingUnit(string text)
    {
        var trimmed = text.Replace('\u00A0', ' ').Replace('\u202F', ' ').Trim();
        if (trimmed.Length is 0 or > 40)
        {
            return null;
        }

        var suffix = NumberPattern().Match(trimmed).Groups["suffix"];
        return suffix.Success && !NotUnits.Contains(suffix.Value) ? suffix.Value : null;
    }

    public static SeparatorEvidence Evidence(string core)
    {
        var lastDot = core.LastIndexOf('.');
        var lastComma = core.LastIndexOf(',');
        if (lastDot >= 0 && lastComma >= 0)
        {
            return lastDot > lastComma ? SeparatorEvidence.Dot : SeparatorEvidence.Comma;
        }

        var separator = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : '\0';
        if (separator == '\0')
        {
            return SeparatorEvidence.None;
        }

        // Groups between the separators, counted without splitting: this runs for every text number of a sheet.
        var first = core.IndexOf(separator);
        var lead = core.AsSpan(0, first).TrimStart("-+").Length;
        var groups = 1;
        var thousandsShaped = lead is >= 1 and <= 3;
        for (var at = first; at >= 0; groups++)
        {
            var next = core.IndexOf(separator, at + 1);
            thousandsShaped &= (next < 0 ? core.Length : next) - at - 1 == 3;
            at = next;
        }

        if (groups > 2)
        {
            // "1.234.567": repeated separators can only be thousands, so the other one is the decimal.
            return separator == '.' ? SeparatorEvidence.Comma : SeparatorEvidence.Dot;
        }

        if (thousandsShaped)
        {
            return SeparatorEvidence.Ambiguous;
        }

        return separator == '.' ? SeparatorEvidence.Dot : SeparatorEvidence.Comma;
    }

    public static decimal? Parse(string core, char decimalSeparator)
    {
        var thousands = decimalSeparator == '.' ? ',' : '.';
        var cleaned = core.Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal)
            .Replace(thousands.ToString(), "", StringComparison.Ordinal);
        if (decimalSeparator == ',')
        {
            cleaned = cleaned.Replace(',', '.');
        }

        return decimal.TryParse(cleaned, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>A stored double as text without exponent or float noise: Excel keeps 15 significant digits (R11).</summary>
    public static string FormatStored(double value)
    {
        if (double.IsFinite(value) && Math.Abs(value) < 7.9e27)
        {
            return ((decimal)value).ToString(CultureInfo.InvariantCulture);
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    public static decimal? ToDecimal(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 7.9e27 ? (decimal)value : null;
}
