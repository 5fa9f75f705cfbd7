using System.Globalization;
using System.Text.RegularExpressions;

namespace OrderPlatform.Worker.Parsing;

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

        var match = NumberPattern().Match(trimmed);
        return match.Success ? match.Groups[1].Value.TrimEnd() : null;
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

        var groups = core.Split(separator);
        var thousandsShaped = groups.Skip(1).All(g => g.Length == 3) && groups[0].TrimStart('-', '+').Length is >= 1 and <= 3;
        if (groups.Length > 2)
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
