using System.Globalization;
using System.Text.RegularExpressions;

namespace OrderPlatform.OrderSheets;

/// <summary>Dates from serials (1900/1904 systems) and from text (spec R12).</summary>
internal static partial class DateText
{
    /// <summary>Days between the 1900 and 1904 epochs: a 1904 serial plus this is a 1900 serial.</summary>
    public const int Offset1904 = 1462;

    [GeneratedRegex(@"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoPattern();

    [GeneratedRegex(@"^(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex DayMonthPattern();

    /// <summary>
    /// A 1900-system serial as a date. Serial 60 is Excel's non-existent 29 Feb 1900 and is refused; serials below 61
    /// come out a day early, which does not matter for order dates.
    /// </summary>
    public static DateOnly? FromSerial(double serial)
    {
        if (serial is < 1 or >= 2_958_466 || Math.Floor(serial) == 60)
        {
            return null;
        }

        return DateOnly.FromDateTime(DateTime.FromOADate(Math.Floor(serial)));
    }

    /// <summary>A text date; <paramref name="ambiguous"/> is set for d/m vs m/d cases the profile must settle.</summary>
    public static DateOnly? Parse(string text, string? dateOrder, out bool ambiguous)
    {
        ambiguous = false;
        var trimmed = text.Trim();
        if (trimmed.Length is < 6 or > 30 || !char.IsAsciiDigit(trimmed[0]) || !HasDateShape(trimmed))
        {
            return null;
        }

        var iso = IsoPattern().Match(trimmed);
        if (iso.Success)
        {
            return Make(iso.Groups[1].Value, iso.Groups[2].Value, iso.Groups[3].Value);
        }

        var dm = DayMonthPattern().Match(trimmed);
        if (!dm.Success)
        {
            return null;
        }

        var first = int.Parse(dm.Groups[1].Value, CultureInfo.InvariantCulture);
        var second = int.Parse(dm.Groups[3].Value, CultureInfo.InvariantCulture);
        var year = dm.Groups[4].Value.Length == 2 ? "20" + dm.Groups[4].Value : dm.Groups[4].Value;
        var dotted = dm.Groups[2].Value == ".";
        if (first > 12 || dotted || dateOrder == "dmy")
        {
            // A dotted date is the German/Swiss d.m.y; nobody writes m.d.y with dots.
            return Make(year, dm.Groups[3].Value, dm.Groups[1].Value);
        }

        if (second > 12 || dateOrder == "mdy")
        {
            return Make(year, dm.Groups[1].Value, dm.Groups[3].Value);
        }

        ambiguous = true;
        return null;
    }

    /// <summary>
    /// What both patterns need where they need it: "yyyy-m" with a second '-' at 6 or 7, or a separator after one or two
    /// digits. Codes like "4711-0032" are turned away without running the patterns (every text cell comes here).
    /// </summary>
    private static bool HasDateShape(string text)
    {
        var iso = text.Length >= 8 && text[4] == '-' && (text[6] == '-' || text[7] == '-');
        return iso || text[1] is '.' or '/' or '-' || (char.IsAsciiDigit(text[1]) && text[2] is '.' or '/' or '-');
    }

    private static DateOnly? Make(string year, string month, string day)
    {
        var y = int.Parse(year, CultureInfo.InvariantCulture);
        var m = int.Parse(month, CultureInfo.InvariantCulture);
        var d = int.Parse(day, CultureInfo.InvariantCulture);
        return m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m) ? new DateOnly(y, m, d) : null;
    }
}
